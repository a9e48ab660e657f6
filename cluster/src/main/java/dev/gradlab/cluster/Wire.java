package dev.gradlab.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * The messages between a trainer and its workers, created by this factory rather than by
 * reflection, so that they stay package-private.
 */
final class Wire {

    /** gradlab's factory id among the cluster's serializers ("GL"). */
    static final int FACTORY = 0x474C;

    static final int JOB = 1;
    static final int ROUND = 2;
    static final int HANDSHAKE = 3;
    static final int RANGE = 4;

    private Wire() {}

    static void register(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(FACTORY, Wire::create);
    }

    private static IdentifiedDataSerializable create(int id) {
        return switch (id) {
            case JOB -> new Job();
            case ROUND -> new Round();
            case HANDSHAKE -> new Handshake();
            case RANGE -> new RangeTask();
            default -> throw new IllegalArgumentException("unknown gradlab cluster message id " + id);
        };
    }
}
