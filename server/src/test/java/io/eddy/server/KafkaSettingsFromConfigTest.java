package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.kafka.KafkaSettings;
import io.eddy.kafka.KafkaTls;
import io.eddy.kafka.group.ClassicSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Kafka listener's settings as the server reads them from eddy.kafka.*. */
class KafkaSettingsFromConfigTest {
    private record Config(
            String host, int port, Optional<String> advertisedHost, Optional<Integer> advertisedPort, Tls tls)
            implements KafkaConfig {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public int maxRequestBytes() {
            return 1 << 20;
        }

        @Override
        public Duration idleTimeout() {
            return Duration.ofMinutes(3);
        }

        @Override
        public Duration consumerSessionTimeout() {
            return Duration.ofSeconds(45);
        }

        @Override
        public Duration groupInitialRebalanceDelay() {
            return Duration.ofMillis(250);
        }
    }

    private record Files(Optional<Path> certificateFile, Optional<Path> keyFile) implements KafkaConfig.Tls {}

    private static final Files NO_TLS = new Files(Optional.empty(), Optional.empty());

    @Test
    void everySettingReachesTheListenerAndTlsIsOffWithoutFiles() {
        KafkaSettings settings = KafkaStartup.settings(
                new Config("127.0.0.1", 19092, Optional.of("eddy.example"), Optional.of(9094), NO_TLS));

        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(19092);
        assertThat(settings.advertisedHost()).isEqualTo("eddy.example");
        assertThat(settings.advertisedPort()).isEqualTo(9094);
        assertThat(settings.maxRequestBytes()).isEqualTo(1 << 20);
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(settings.tls()).isEmpty();
    }

    @Test
    void theInitialRebalanceDelayReachesTheClassicGroupsAndTheRestIsABrokers() {
        ClassicSettings classic = KafkaStartup.classicSettings(
                new Config("127.0.0.1", 19092, Optional.empty(), Optional.empty(), NO_TLS));

        assertThat(classic.initialRebalanceDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(classic.withInitialRebalanceDelay(ClassicSettings.defaults().initialRebalanceDelay()))
                .isEqualTo(ClassicSettings.defaults());
    }

    @Test
    void aCertificateAndItsKeyTurnTlsOn() {
        Path cert = Path.of("/etc/eddy/kafka.crt");
        Path key = Path.of("/etc/eddy/kafka.key");

        KafkaSettings settings = KafkaStartup.settings(new Config(
                "0.0.0.0",
                9092,
                Optional.of("eddy"),
                Optional.empty(),
                new Files(Optional.of(cert), Optional.of(key))));

        assertThat(settings.tls()).contains(new KafkaTls(cert, key));
        assertThat(settings.advertisedPort()).as("the bound port").isZero();
    }

    @Test
    void aCertificateWithoutItsKeyIsRefusedAtStartUp() {
        Config half = new Config(
                "127.0.0.1",
                9092,
                Optional.empty(),
                Optional.empty(),
                new Files(Optional.of(Path.of("/etc/eddy/kafka.crt")), Optional.empty()));

        assertThatThrownBy(() -> KafkaStartup.settings(half))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("eddy.kafka.tls.key-file");
    }
}
