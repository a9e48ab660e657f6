/**
 * Optimizers with PyTorch's semantics, gradient estimators (backprop, finite differences, evolution
 * strategies, a genetic algorithm) and the training loop.
 */
module dev.gradlab.optim {
    requires transitive dev.gradlab.core;
    // The Trainer takes data's Dataset, so data is part of optim's API.
    requires transitive dev.gradlab.data;

    exports dev.gradlab.optim;
    exports dev.gradlab.optim.env;
    exports dev.gradlab.optim.search;
}
