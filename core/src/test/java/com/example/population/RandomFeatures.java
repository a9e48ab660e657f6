package com.example.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.population.Member;
import dev.gradlab.core.population.PopulationForward;
import dev.gradlab.core.population.SharedInput;
import java.util.List;

/**
 * A layer of a user's: a fixed random projection followed by a learned linear map,
 * {@code y = (x·Pᵀ)·Wᵀ}, with {@code P} ({@code features × in}) drawn once and never trained. Every
 * member of a population projects the same input the same way, so the projection is its shared
 * phase and each member only multiplies the features by its own {@code W}.
 */
final class RandomFeatures implements PopulationForward<Tensor> {

    private final Tensor projection;
    private final Tensor weight;

    RandomFeatures(int in, int features, int out, long seed) {
        this.projection = Tensor.uniform(seed, -1f, 1f, features, in);
        float bound = (float) (1 / Math.sqrt(features));
        this.weight = Tensor.uniform(seed + 1, -bound, bound, out, features).requiresGrad(true);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.matmul(projection, false, true).matmul(weight, false, true);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(weight);
    }

    /** The features {@code x·Pᵀ}, the same for every member that sees {@code x}. */
    @Override
    public Tensor share(Tensor x, Tensor y, SharedInput shared) {
        return x.matmul(projection, false, true);
    }

    @Override
    public Tensor forwardMember(Tensor features, Member member) {
        return features.matmul(member.perturbed(weight), false, true);
    }
}
