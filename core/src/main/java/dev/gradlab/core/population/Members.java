package dev.gradlab.core.population;

import dev.gradlab.core.Tensor;
import dev.gradlab.core.Workspace;
import dev.gradlab.core.nn.Module;

/**
 * The members of one direction of a {@link Population} (one member, or an antithetic pair) as they
 * pass through a model, module by module: what {@link Module#forwardMembers} reads and advances.
 *
 * <p>Until the first module with parameters, every member sees the same activations as the
 * unperturbed model: they are <em>shared</em>, and a module there finds its unperturbed output
 * already computed, once per batch, in {@link #sharedOutput()}. A module with parameters that sees
 * shared input adds only each member's perturbation to that output (for a weight,
 * {@code X·(W + sσE)ᵀ = X·Wᵀ + s·σ·X·Eᵀ}, one product per direction for both members of a pair);
 * after it, each member has activations of its own, {@link #input(int)}, replaced by
 * {@link #setOutput}.
 *
 * <p>The same protocol runs once for the unperturbed model ({@link #isCenter()}), before the
 * members, with one member and no perturbation: a module then computes its ordinary forward, which
 * {@link #forwardEach} does for it. Tensors made during a pass should come from
 * {@link Workspace#tensor} so that a pass allocates nothing in steady state.
 */
public final class Members {

    private PopulationEvaluator.Evaluation ev;
    private final boolean center;
    private final Tensor[] outputs = new Tensor[2];
    private final float[][] outputData = new float[2][];
    private final float[] signs = new float[2];
    private float[][] noise = new float[0][];
    private int[] noiseDirection = new int[0];
    private int direction = -1;
    private int count;
    private Tensor shared;
    private int visit;

    Members(PopulationEvaluator.Evaluation ev, boolean center) {
        this.ev = ev;
        this.center = center;
    }

    /** Reuses this instance's buffers for another evaluation. */
    void reset(PopulationEvaluator.Evaluation ev) {
        this.ev = ev;
        java.util.Arrays.fill(noiseDirection, -1);
    }

    void start(int direction) {
        this.direction = direction;
        this.count = center ? 1 : (ev.population.antithetic() ? 2 : 1);
        this.shared = ev.batch.inputs();
        this.visit = 0;
        outputs[0] = outputs[1] = null;
        if (noise.length < ev.params.size()) {
            noise = new float[ev.params.size()][];
            noiseDirection = new int[ev.params.size()];
            java.util.Arrays.fill(noiseDirection, -1);
        }
        if (center) {
            ev.sharedOutputs.clear();
        }
    }

    /** True for the pass of the unperturbed model. */
    public boolean isCenter() {
        return center;
    }

    /** True while every member still has the unperturbed model's activations. */
    public boolean isShared() {
        return shared != null;
    }

    /** The activations all members share; only while {@link #isShared()}. */
    public Tensor sharedInput() {
        requireShared();
        return shared;
    }

    /**
     * The unperturbed output of the module being visited, for the shared input: computed once per
     * batch by the center pass. Only while {@link #isShared()}, and only by members.
     */
    public Tensor sharedOutput() {
        requireShared();
        if (center) {
            throw new IllegalStateException("the center pass computes the shared outputs; it has none to read");
        }
        return ev.sharedOutputs.get(visit);
    }

    /** The number of members: 1, or 2 for an antithetic pair. */
    public int count() {
        return count;
    }

    /** The sign of member {@code m}'s perturbation: +1, or −1 for the second of a pair (0 at the center). */
    public float sign(int m) {
        return center ? 0f : (m == 0 ? 1f : -1f);
    }

    public float sigma() {
        return ev.population.sigma();
    }

    public Perturbation perturbation() {
        return ev.population.perturbation();
    }

    /** Member {@code m}'s own activations; only when not {@link #isShared()}. */
    public Tensor input(int m) {
        if (shared != null) {
            throw new IllegalStateException("the members' activations are still shared; read sharedInput()");
        }
        return outputs[m];
    }

    /**
     * Sets member {@code m}'s activations after the module being visited; once every member's is
     * set, call {@link #advance()}.
     */
    public void setOutput(int m, Tensor output) {
        outputs[m] = output;
    }

    /**
     * Ends the visit of a module: after a module that read shared input and set each member's
     * output, the activations are no longer shared.
     */
    public void advance() {
        if (shared != null) {
            shared = null;
            visit++;
        }
    }

    /**
     * The population path every module has unless it offers its own: its ordinary forward applied
     * to each member's activations. For a module without parameters (an activation, a user's
     * {@link dev.gradlab.core.Function}) that is all there is, and while the activations are shared it
     * runs once per batch, at the center. A module with parameters runs once per member with its
     * parameters bound to that member's perturbed copies, on the member's thread only.
     */
    public void forwardEach(Module module) {
        boolean parameterFree = module.parameters().isEmpty();
        if (center) {
            if (!parameterFree) {
                ev.fallback.used = true;
                ev.fallback.modules.add(module);
            }
            forwardUnperturbed(module);
        } else if (!parameterFree) {
            ev.fallback.forward(this, module);
        } else if (shared != null) {
            shared = sharedOutput();
            visit++;
        } else {
            for (int m = 0; m < count; m++) {
                outputs[m] = module.forward(outputs[m]);
            }
        }
    }

    /**
     * At the center: the module's ordinary forward, kept for the members while the input is shared.
     * A module with its own population path calls this when {@link #isCenter()}.
     */
    public void forwardUnperturbed(Module module) {
        if (!center) {
            throw new IllegalStateException("forwardUnperturbed is for the center pass");
        }
        if (shared == null) {
            outputs[0] = module.forward(outputs[0]);
            return;
        }
        Tensor out = module.forward(shared);
        ev.sharedOutputs.add(out);
        if (module.parameters().isEmpty()) {
            shared = out;
            visit++;
        } else {
            outputs[0] = out;
            advance();
        }
    }

    /**
     * At the center, before {@link #forwardUnperturbed} on shared input: lets the perturbation of
     * {@code weight} precompute what every direction's product with that input shares (see
     * {@link #sharedProducts}).
     */
    public void prepareSharedProducts(Tensor weight) {
        if (!center || shared == null) {
            return;
        }
        int i = ev.index(weight);
        ev.prepared.put(weight, ev.population.perturbation().prepareShared(ev.population, ev.noiseOffsets[i], weight,
                shared.data(), shared.dim(0)));
    }

    /**
     * For a weight {@code out × in} that sees the shared input {@code x}: sets each member's output
     * to {@code s + sign·σ·x·Eᵀ}, {@code s} being the unperturbed output ({@link #sharedOutput}) and
     * {@code E} the weight's perturbation in this direction; the product is computed once for both
     * members of a pair. Returns the outputs, of which the first {@link #count()} are set, for the
     * caller to add more to (a bias's perturbation) before {@link #advance}; the array is this
     * object's own, reused for the next direction.
     */
    public Tensor[] sharedProducts(Tensor weight, int out) {
        Tensor x = sharedInput();
        Tensor s = sharedOutput();
        int rows = x.dim(0);
        int in = x.dim(1);
        for (int m = 0; m < count; m++) {
            outputs[m] = Workspace.uninitialized(rows, out);
            outputData[m] = outputs[m].data();
            signs[m] = sign(m);
        }
        ev.population.perturbation().sharedProducts(ev.prepared.get(weight), direction, x.data(), rows, in, out,
                noise(weight), sigma(), s.data(), outputData, signs, count);
        return outputs;
    }

    /** The final output of member {@code m} (the shared one when the model has no parameters). */
    Tensor output(int m) {
        return shared != null ? shared : outputs[m];
    }

    /**
     * This direction's noise for {@code param} (a parameter of the evaluated model), the
     * {@link Perturbation#noiseLength} numbers from index 0 of the returned array; generated once
     * per direction and reused for both members of a pair.
     */
    public float[] noise(Tensor param) {
        if (center) {
            throw new IllegalStateException("the center pass has no perturbation");
        }
        int i = ev.index(param);
        if (noise[i] == null || noiseDirection[i] != direction) {
            int n = ev.noiseLength(i);
            if (noise[i] == null || noise[i].length < n) {
                noise[i] = new float[n];
            }
            ev.population.noise(direction, ev.noiseOffsets[i], noise[i], 0, n);
            noiseDirection[i] = direction;
        }
        return noise[i];
    }

    private void requireShared() {
        if (shared == null) {
            throw new IllegalStateException("the members' activations are no longer shared; read input(m)");
        }
    }
}
