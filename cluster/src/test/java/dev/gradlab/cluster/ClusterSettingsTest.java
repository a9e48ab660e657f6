package dev.gradlab.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import dev.gradlab.core.InvalidSettingException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration a member starts with: the safe defaults, and refusals that name the setting. */
class ClusterSettingsTest {

    @Test
    void theDefaultsListenOnLoopbackJoinByListAndNeverPhoneHome() {
        Config c = ClusterSettings.builder().name("lab").build().config("worker");
        assertEquals("lab", c.getClusterName());
        assertEquals("false", c.getProperty("hazelcast.phone.home.enabled"));
        assertEquals("false", c.getProperty("hazelcast.socket.bind.any"));
        var network = c.getNetworkConfig();
        assertTrue(network.getInterfaces().isEnabled());
        assertEquals(List.of("127.0.0.1"), List.copyOf(network.getInterfaces().getInterfaces()));
        assertFalse(network.getJoin().getMulticastConfig().isEnabled());
        assertFalse(network.getJoin().getAutoDetectionConfig().isEnabled());
        assertTrue(network.getJoin().getTcpIpConfig().isEnabled());
        assertEquals(List.of("127.0.0.1"), network.getJoin().getTcpIpConfig().getMembers());
        assertEquals(ClusterSettings.DEFAULT_PORT, network.getPort());
        assertEquals("worker", c.getMemberAttributeConfig().getAttribute(ClusterSettings.ROLE));
        assertEquals(1, c.getExecutorConfig(ClusterSettings.EXECUTOR).getPoolSize());
    }

    @Test
    void bindAndMembersAreWhatTheUserGave() {
        Config c = ClusterSettings.builder()
                .name("lab")
                .bind("10.0.0.2")
                .members(List.of("10.0.0.1:5701", "10.0.0.3"))
                .port(6000, false)
                .build()
                .config("trainer");
        assertEquals(
                List.of("10.0.0.2"),
                List.copyOf(c.getNetworkConfig().getInterfaces().getInterfaces()));
        assertEquals(
                List.of("10.0.0.1:5701", "10.0.0.3"),
                c.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
        assertEquals(6000, c.getNetworkConfig().getPort());
        assertFalse(c.getNetworkConfig().isPortAutoIncrement());
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertEquals(
                "cluster",
                assertThrows(
                                InvalidSettingException.class,
                                () -> ClusterSettings.builder().name(" ").build())
                        .setting());
        assertEquals(
                "members",
                assertThrows(
                                InvalidSettingException.class,
                                () -> ClusterSettings.builder().members(List.of("a,b")))
                        .setting());
        assertEquals(
                "bind",
                assertThrows(
                                InvalidSettingException.class,
                                () -> ClusterSettings.builder().bind(""))
                        .setting());
        InvalidSettingException port = assertThrows(
                InvalidSettingException.class, () -> ClusterSettings.builder().port(70000, true));
        assertEquals("port must be in 1..65535, got 70000", port.getMessage());
    }
}
