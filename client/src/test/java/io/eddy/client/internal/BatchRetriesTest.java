package io.eddy.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BatchRetriesTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    // 3 retries, 100 ms doubling to 1 s, equal jitter; the draw 0 takes the bottom of each range, half the cap
    private static final BatchRetries RETRIES = new BatchRetries(
            RetryPolicy.ofRetries(3, Duration.ofMillis(100), Duration.ofSeconds(1)), Duration.ofSeconds(10), () -> 0.0);

    static Stream<Arguments> decisions() {
        return Stream.of(
                // retryable, attempts so far, ms since the first attempt, forced close, retry after ms (-1: give up)
                Arguments.of(true, 1, 0L, false, 50L),
                Arguments.of(true, 2, 0L, false, 100L),
                Arguments.of(true, 3, 0L, false, 200L),
                Arguments.of(true, 4, 0L, false, -1L), // retries used up
                Arguments.of(false, 1, 0L, false, -1L), // refused for good
                Arguments.of(true, 1, 9_999L, false, 50L),
                Arguments.of(true, 1, 10_000L, false, -1L), // delivery.timeout.ms used up
                Arguments.of(true, 1, 0L, true, -1L)); // a forced close retries nothing
    }

    @ParameterizedTest
    @MethodSource("decisions")
    void aFailedBatchIsRetriedWhileRetryableWithinItsAttemptsAndDeliveryTime(
            boolean retryable, int attempts, long sinceFirstMs, boolean forced, long retryAfterMs) {
        long firstSent = 1_000 * MS;
        long now = firstSent + sinceFirstMs * MS;

        BatchRetries.Decision decision = RETRIES.afterFailure(retryable, attempts, firstSent, now, forced);

        assertThat(decision)
                .isEqualTo(
                        retryAfterMs < 0 ? new BatchRetries.GiveUp() : new BatchRetries.Retry(now + retryAfterMs * MS));
    }

    @Test
    void aRegistryCallIsRetriedWhileRetryableAndWithinItsRetries() {
        assertThat(RETRIES.retryCall(true, 0)).isTrue();
        assertThat(RETRIES.retryCall(true, 2)).isTrue();
        assertThat(RETRIES.retryCall(true, 3)).isFalse();
        assertThat(RETRIES.retryCall(false, 0)).isFalse();
        assertThat(RETRIES.callBackoff(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(RETRIES.callBackoff(1)).isEqualTo(Duration.ofMillis(100));
    }
}
