package com.example.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.population.MatrixProduct;
import dev.gradlab.core.population.Member;
import dev.gradlab.core.population.PopulationForward;
import dev.gradlab.core.population.SharedInput;
import java.util.List;

/**
 * A bias-free linear layer of a user's, {@code y = x·Wᵀ}, that shares {@code x·Wᵀ} (and, with
 * low-rank perturbations, {@code x·B}) between the members that see {@code x}, as the library's
 * {@code Linear} does.
 */
final class BiasFreeLinear implements PopulationForward<MatrixProduct> {

    private final Tensor weight;

    BiasFreeLinear(Tensor weight) {
        this.weight = weight;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.matmul(weight, false, true);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(weight);
    }

    @Override
    public MatrixProduct share(Tensor x, Tensor y, SharedInput shared) {
        return shared.product(x, weight, y);
    }

    @Override
    public Tensor forwardMember(MatrixProduct product, Member member) {
        return product.member(member);
    }
}
