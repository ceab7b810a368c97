package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the Kafka listener advertises when eddy.kafka.advertised-host is not set. */
class AdvertisedHostTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.3.7", "eddy.internal", "::1"})
    void aSpecificBoundHostIsAdvertisedAsItIs(String host) {
        assertThat(AdvertisedHost.defaultFor(host)).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "[::]"})
    void aWildcardBoundHostAdvertisesThisMachinesName(String host) throws Exception {
        assertThat(AdvertisedHost.defaultFor(host))
                .isEqualTo(InetAddress.getLocalHost().getCanonicalHostName())
                .isNotEqualTo(host);
    }
}
