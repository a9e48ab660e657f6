/**
 * IDX files, MNIST and Fashion-MNIST (an embedded 1000/1000 Fashion-MNIST subset included), batching
 * and seeded shuffling.
 */
module dev.gradlab.data {
    requires transitive dev.gradlab.core;

    exports dev.gradlab.data;
}
