/**
 * Population evaluation spread over the members of a Hazelcast cluster: each step the trainer
 * sends the parameters, the noise seeds and the batch's row indices, every worker loads the data
 * set itself and sends back the losses of the members it was given, and the trainer assembles
 * the update as it would locally, to the bit.
 */
module dev.gradlab.cluster {
    requires transitive dev.gradlab.optim;
    requires transitive com.hazelcast.core;

    exports dev.gradlab.cluster;
}
