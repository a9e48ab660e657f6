package dev.gradlab.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * A trainer's first call on a worker: the job. The worker loads the job's data and answers null when
 * it can take part, or why it cannot (another version, build or kernels, other data).
 */
final class Handshake implements Callable<String>, IdentifiedDataSerializable, HazelcastInstanceAware {

    Job job;
    private transient HazelcastInstance instance;

    Handshake() {}

    Handshake(Job job) {
        this.job = job;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    public String call() {
        return WorkerContext.of(instance).accept(job);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        job.writeData(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        job = new Job();
        job.readData(in);
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY;
    }

    @Override
    public int getClassId() {
        return Wire.HANDSHAKE;
    }
}
