package dev.gradlab.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gradlab.core.model.ModelSpec;
import dev.gradlab.core.population.Perturbation;
import dev.gradlab.core.population.Population;
import dev.gradlab.optim.Genome;
import java.io.IOException;

/**
 * One population evaluation of a job: the parameters (D floats, or for the genetic algorithm the
 * parent's chain of seeds), the population as its seeds and streams, and the batch as row indices
 * into the job's data set. Sent to each worker once, with the
 * first range it is given.
 */
final class Round implements IdentifiedDataSerializable {

    long number;
    /** The parameters, or null when they are {@link #genome}'s. */
    float[] parameters;
    /** The genetic algorithm's parent whose weights the parameters are: its chain of seeds travels instead. */
    Genome genome;

    int rank;
    float sigma;
    boolean antithetic;
    /** Direction d's seed, or one seed for all when {@link #consecutive}. */
    long[] seeds;
    /** Direction d's stream, or the first stream, the others following it, when {@link #consecutive}. */
    long[] streams;
    /** Evolution strategies' directions: one seed, streams {@code step·2³² + d}, sent in 16 bytes. */
    boolean consecutive;

    int directions;
    int[] rows;
    /** A genome as read, to be completed with the job's network ({@link #genome(Architecture)}). */
    private long initialSeed;

    private long[] mutations;
    private float mutationSigma;
    private int mutationRank;

    Round() {}

    Round(long number, float[] parameters, Genome genome, Population population, int[] rows) {
        this.number = number;
        this.parameters = parameters;
        this.genome = genome;
        this.rank = population.perturbation().rank();
        this.sigma = population.sigma();
        this.antithetic = population.antithetic();
        this.directions = population.directions();
        this.rows = rows;
        boolean same = true;
        for (int d = 1; d < directions && same; d++) {
            same = population.seed(d) == population.seed(0) && population.stream(d) == population.stream(0) + d;
        }
        this.consecutive = same;
        int n = same ? 1 : directions;
        this.seeds = new long[n];
        this.streams = new long[n];
        for (int d = 0; d < n; d++) {
            seeds[d] = population.seed(d);
            streams[d] = population.stream(d);
        }
    }

    /** The genome as read, on the job's network; null when the parameters came as numbers. */
    Genome genome(ModelSpec spec) {
        if (genome == null && mutations != null) {
            genome = new Genome(
                    spec,
                    mutationSigma,
                    mutationRank == 0 ? Perturbation.fullRank() : Perturbation.lowRank(mutationRank),
                    initialSeed,
                    mutations);
        }
        return genome;
    }

    /** Directions {@code [from, to)} of the round's population, as a population of their own. */
    Population range(int from, int to) {
        long[] s = new long[to - from];
        long[] t = new long[to - from];
        for (int d = from; d < to; d++) {
            s[d - from] = consecutive ? seeds[0] : seeds[d];
            t[d - from] = consecutive ? streams[0] + d : streams[d];
        }
        Perturbation perturbation = rank == 0 ? Perturbation.fullRank() : Perturbation.lowRank(rank);
        return Population.of(perturbation, sigma, antithetic, s, t);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(number);
        out.writeBoolean(genome != null);
        if (genome == null) {
            out.writeFloatArray(parameters);
        } else {
            out.writeLong(genome.initialSeed());
            out.writeLongArray(genome.mutations());
            out.writeFloat(genome.sigma());
            out.writeInt(genome.perturbation().rank());
        }
        out.writeInt(rank);
        out.writeFloat(sigma);
        out.writeBoolean(antithetic);
        out.writeBoolean(consecutive);
        out.writeInt(directions);
        out.writeLongArray(seeds);
        out.writeLongArray(streams);
        out.writeIntArray(rows);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        number = in.readLong();
        if (!in.readBoolean()) {
            parameters = in.readFloatArray();
        } else {
            initialSeed = in.readLong();
            mutations = in.readLongArray();
            mutationSigma = in.readFloat();
            mutationRank = in.readInt();
        }
        rank = in.readInt();
        sigma = in.readFloat();
        antithetic = in.readBoolean();
        consecutive = in.readBoolean();
        directions = in.readInt();
        seeds = in.readLongArray();
        streams = in.readLongArray();
        rows = in.readIntArray();
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY;
    }

    @Override
    public int getClassId() {
        return Wire.ROUND;
    }
}
