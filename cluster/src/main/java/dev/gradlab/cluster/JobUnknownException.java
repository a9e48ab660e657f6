package dev.gradlab.cluster;

/**
 * A range of a job the worker does not hold (it serves a few trainers at a time and dropped the
 * least recent): the trainer greets the worker again before sending it more.
 */
final class JobUnknownException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    JobUnknownException(String job) {
        super("job " + job + " is unknown to this worker (not accepted, or dropped for newer trainers)");
    }
}
