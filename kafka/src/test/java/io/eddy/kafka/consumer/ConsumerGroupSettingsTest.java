package io.eddy.kafka.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsumerGroupSettingsTest {
    @Test
    void theDefaultSessionIsKafkasFortyFiveSeconds() {
        assertThat(ConsumerGroupSettings.defaults().sessionTimeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aSessionTimeoutThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new ConsumerGroupSettings(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConsumerGroupSettings(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
