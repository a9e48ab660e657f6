package dev.gradlab.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gradlab.core.Objective;
import java.io.IOException;
import java.util.List;

/**
 * What a trainer's run is, sent to a worker once when it first takes part: the network, the
 * objective, the data spec the worker loads its data set from and that data set's digest, and the
 * trainer's {@link Identity}.
 */
final class Job implements IdentifiedDataSerializable {

    /** The objectives a worker can rebuild by name: those that score class labels. */
    static final List<Objective> OBJECTIVES = List.of(Objective.crossEntropy(), Objective.oneHotMse());

    String id;
    Network network;
    String objective;
    String dataSpec;
    String dataDigest;
    Identity identity;

    Job() {}

    Job(String id, Network network, String objective, String dataSpec, String dataDigest, Identity identity) {
        this.id = id;
        this.network = network;
        this.objective = objective;
        this.dataSpec = dataSpec;
        this.dataDigest = dataDigest;
        this.identity = identity;
    }

    static Objective objective(String name) {
        for (Objective o : OBJECTIVES) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        throw new IllegalArgumentException("objective must be one of "
                + OBJECTIVES.stream().map(Objective::name).toList()
                + " (the cluster's workers rebuild it by name), got '" + name + "'");
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(id);
        out.writeString(network.spec().json());
        out.writeString(objective);
        out.writeString(dataSpec);
        out.writeString(dataDigest);
        out.writeString(identity.version());
        out.writeString(identity.code());
        out.writeString(identity.kernels());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        id = in.readString();
        network = Network.parse(in.readString());
        objective = in.readString();
        dataSpec = in.readString();
        dataDigest = in.readString();
        identity = new Identity(in.readString(), in.readString(), in.readString());
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY;
    }

    @Override
    public int getClassId() {
        return Wire.JOB;
    }
}
