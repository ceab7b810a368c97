package io.eddy.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetryPolicyTest {
    private static final RetryPolicy KAFKA = RetryPolicy.ofRetries(10, Duration.ofMillis(100), Duration.ofSeconds(1));

    static Stream<Arguments> backoffs() {
        return Stream.of(
                // retry, draw, delay in ms: equal jitter, [cap / 2, cap]
                Arguments.of(1, 0.0, 50),
                Arguments.of(1, 0.99, 100),
                Arguments.of(2, 0.0, 100),
                Arguments.of(4, 0.5, 600),
                Arguments.of(5, 0.0, 500), // capped at the max
                Arguments.of(60, 0.0, 500)); // no overflow however many retries
    }

    @ParameterizedTest
    @MethodSource("backoffs")
    void backoffGrowsExponentiallyToTheMaxWithEqualJitter(int retry, double draw, long ms) {
        assertThat(KAFKA.backoff(retry, draw)).isEqualTo(Duration.ofMillis(ms));
    }

    @Test
    void kafkasRetriesCountAfterTheFirstAttempt() {
        assertThat(KAFKA.maxAttempts()).isEqualTo(11);
        assertThat(KAFKA.retries()).isEqualTo(10);
        assertThat(RetryPolicy.ofRetries(0, Duration.ZERO, Duration.ZERO).maxAttempts())
                .isEqualTo(1);
        assertThat(RetryPolicy.ofRetries(Integer.MAX_VALUE, Duration.ZERO, Duration.ZERO)
                        .maxAttempts())
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aZeroBackoffStillWaitsAMillisecond() {
        assertThat(RetryPolicy.ofRetries(3, Duration.ZERO, Duration.ZERO).backoff(2, 0.5))
                .isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void badPoliciesAreRefused() {
        assertThatThrownBy(() -> RetryPolicy.ofRetries(-1, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofMillis(5), Duration.ofMillis(1), 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
