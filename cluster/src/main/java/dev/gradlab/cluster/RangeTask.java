package dev.gradlab.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * Directions {@code [from, to)} of one round of a job, to evaluate on a worker. The round's
 * parameters travel with the first range a worker gets in that round, and only then. The answer is
 * the loss at the unperturbed parameters followed by the range's members' losses.
 */
final class RangeTask implements Callable<float[]>, IdentifiedDataSerializable, HazelcastInstanceAware {

    String job;
    long round;
    /** The round itself, or null when the worker was sent it with an earlier range. */
    Round payload;

    int from;
    int to;
    private transient HazelcastInstance instance;

    RangeTask() {}

    RangeTask(String job, long round, Round payload, int from, int to) {
        this.job = job;
        this.round = round;
        this.payload = payload;
        this.from = from;
        this.to = to;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    public float[] call() {
        return WorkerContext.of(instance).evaluate(job, round, payload, from, to);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(job);
        out.writeLong(round);
        out.writeInt(from);
        out.writeInt(to);
        out.writeBoolean(payload != null);
        if (payload != null) {
            payload.writeData(out);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        job = in.readString();
        round = in.readLong();
        from = in.readInt();
        to = in.readInt();
        if (in.readBoolean()) {
            payload = new Round();
            payload.readData(in);
        }
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY;
    }

    @Override
    public int getClassId() {
        return Wire.RANGE;
    }
}
