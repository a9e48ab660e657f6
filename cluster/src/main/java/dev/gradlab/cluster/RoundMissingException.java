package dev.gradlab.cluster;

/**
 * A range came without its round's parameters and the worker does not hold them (the range that
 * carried them went to another worker): the trainer sends the range again with the round.
 */
final class RoundMissingException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    RoundMissingException(String job, long round) {
        super("round " + round + " of job " + job + " is not held by this worker");
    }
}
