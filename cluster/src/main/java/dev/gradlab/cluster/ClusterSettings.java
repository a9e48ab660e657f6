package dev.gradlab.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.gradlab.core.InvalidSettingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a trainer or a worker joins: the cluster's name, the addresses of its members, the address
 * and port this process listens on. The defaults are the safe ones: listen on 127.0.0.1 only, join
 * by the member list (no multicast), no phone-home. Open-source Hazelcast neither authenticates
 * members nor encrypts their traffic: a cluster belongs inside a private network or a VPN.
 */
public final class ClusterSettings {

    /** The port a member listens on unless told otherwise (Hazelcast's). */
    public static final int DEFAULT_PORT = 5701;

    static final String ROLE = "gradlab.role";
    static final String EXECUTOR = "gradlab";

    private final String name;
    private final List<String> members;
    private final String bind;
    private final int port;
    private final boolean portAutoIncrement;
    private final Map<String, String> properties;

    private ClusterSettings(Builder b) {
        if (b.name == null || b.name.isBlank()) {
            throw new InvalidSettingException(
                    "cluster",
                    "must be given (a cluster's name is required), got "
                            + (b.name == null ? "none" : "'" + b.name + "'"));
        }
        this.name = b.name;
        this.members = List.copyOf(b.members);
        this.bind = b.bind;
        this.port = b.port;
        this.portAutoIncrement = b.portAutoIncrement;
        this.properties = Map.copyOf(b.properties);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a {@link ClusterSettings}; the cluster's name is required. */
    public static final class Builder {
        private String name;
        private final List<String> members = new ArrayList<>();
        private String bind = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private boolean portAutoIncrement = true;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {}

        /** The cluster's name: members of clusters with other names never join this one. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Members to join, as {@code HOST} or {@code HOST:PORT}; a process joins whichever of them are
         * up, and may itself be one of them.
         */
        public Builder members(List<String> members) {
            for (String m : members) {
                if (m == null || m.isBlank() || m.contains(",")) {
                    throw new InvalidSettingException("members", "must each be HOST or HOST:PORT, got '" + m + "'");
                }
                this.members.add(m.strip());
            }
            return this;
        }

        /**
         * The IP address this process listens on and is reached at; default 127.0.0.1 (this machine
         * only). A pattern such as {@code 10.0.0.*} takes the interface that matches it.
         */
        public Builder bind(String address) {
            if (address == null || address.isBlank()) {
                throw new InvalidSettingException(
                        "bind", "must be an IP address of this machine, got '" + address + "'");
            }
            this.bind = address.strip();
            return this;
        }

        /**
         * The port this process listens on; default {@value #DEFAULT_PORT}, or the next free one above
         * it unless {@code autoIncrement} is false.
         */
        public Builder port(int port, boolean autoIncrement) {
            if (port < 1 || port > 65535) {
                throw new InvalidSettingException("port", "must be in 1..65535, got " + port);
            }
            this.port = port;
            this.portAutoIncrement = autoIncrement;
            return this;
        }

        /** A Hazelcast property (such as {@code hazelcast.max.no.heartbeat.seconds}) for this process. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public ClusterSettings build() {
            return new ClusterSettings(this);
        }
    }

    public String name() {
        return name;
    }

    public List<String> members() {
        return members;
    }

    public String bind() {
        return bind;
    }

    public int port() {
        return port;
    }

    /** The Hazelcast configuration of a member with role {@code role} ("worker" or "trainer"). */
    Config config(String role) {
        Config config = new Config();
        config.setClusterName(name);
        config.setInstanceName(EXECUTOR + "-" + role + "-" + name + "-" + bind + "-" + port + "-" + System.nanoTime());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        // A worker left by Ctrl-C finishes or hands back what it holds before it goes.
        config.setProperty("hazelcast.shutdownhook.policy", "GRACEFUL");
        if (System.getProperty("hazelcast.logging.type") == null) {
            // A library does not print; Hazelcast's own log is one system property away.
            config.setProperty("hazelcast.logging.type", "none");
        }
        properties.forEach(config::setProperty);
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(portAutoIncrement);
        network.getInterfaces().setEnabled(true).addInterface(bind);
        network.getRestApiConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(members.isEmpty() ? List.of(bind) : members));
        config.getMemberAttributeConfig().setAttribute(ROLE, role);
        // One range at a time per worker: its evaluation already uses every thread it is given.
        config.addExecutorConfig(new ExecutorConfig(EXECUTOR).setPoolSize(1));
        return config;
    }

    @Override
    public String toString() {
        return "cluster '" + name + "' (members " + String.join(",", members) + ", bind " + bind + ":" + port + ")";
    }
}
