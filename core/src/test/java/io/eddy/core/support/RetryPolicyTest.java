package io.eddy.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.error.GroupConflictException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetryPolicyTest {
    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(2), 0.5);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void retryableFailuresAreRetriedUntilSuccess() {
        AtomicInteger calls = new AtomicInteger();

        String result = FAST.apply(failingTimes(2, ErrorCode.STORAGE_UNAVAILABLE, calls))
                .await()
                .atMost(WAIT);

        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
    }

    @Test
    void attemptsAreBoundedAndTheLastFailureStands() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> FAST.apply(failingTimes(100, ErrorCode.METADATA_UNAVAILABLE, calls))
                        .await()
                        .atMost(WAIT))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.getMessage()).contains("attempt 4"));
        assertThat(calls).hasValue(4);
    }

    @Test
    void failuresThatAreNotRetryableFailAtOnce() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> FAST.apply(failingTimes(1, ErrorCode.UNKNOWN_TOPIC, calls))
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(EddyException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void exceptionsOtherThanEddysAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        Uni<String> uni = Uni.createFrom().item(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("bug");
        });

        assertThatThrownBy(() -> FAST.apply(uni).await().atMost(WAIT)).isInstanceOf(IllegalStateException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aCallersPredicateNarrowsWhatIsRetried() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> FAST.apply(
                                failingTimes(1, ErrorCode.STORAGE_UNAVAILABLE, calls),
                                t -> t instanceof GroupConflictException)
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(EddyException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void oneAttemptMeansNoRetry() {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy once = new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), 0.5);

        assertThatThrownBy(() -> once.apply(failingTimes(1, ErrorCode.STORAGE_UNAVAILABLE, calls))
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(EddyException.class);
        assertThat(calls).hasValue(1);
    }

    static Stream<Arguments> badPolicies() {
        return Stream.of(
                Arguments.of(0, 1, 1, 0.5),
                Arguments.of(1, 0, 1, 0.5),
                Arguments.of(1, 5, 1, 0.5),
                Arguments.of(1, 1, 1, -0.1),
                Arguments.of(1, 1, 1, 1.1),
                Arguments.of(1, 1, 1, Double.NaN));
    }

    @ParameterizedTest
    @MethodSource("badPolicies")
    void badPoliciesAreRefused(int attempts, long baseMs, long maxMs, double jitter) {
        assertThatThrownBy(() -> new RetryPolicy(attempts, Duration.ofMillis(baseMs), Duration.ofMillis(maxMs), jitter))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> backoffs() {
        RetryPolicy equal = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5);
        RetryPolicy none = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0);
        RetryPolicy full = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 1);
        return Stream.of(
                // policy, retry, draw, delay in ms
                Arguments.of(none, 1, 0.9, 100),
                Arguments.of(none, 2, 0.0, 200),
                Arguments.of(none, 4, 0.5, 800),
                Arguments.of(none, 5, 0.5, 1_000), // capped at the max
                Arguments.of(none, 40, 0.5, 1_000), // no overflow however many retries
                Arguments.of(equal, 1, 0.0, 50),
                Arguments.of(equal, 1, 0.5, 75),
                Arguments.of(equal, 3, 0.0, 200),
                Arguments.of(equal, 9, 0.0, 500),
                Arguments.of(full, 1, 0.0, 1), // a timer refuses zero
                Arguments.of(full, 2, 0.5, 100));
    }

    @ParameterizedTest
    @MethodSource("backoffs")
    void backoffGrowsExponentiallyToTheMaxWithTheJitterBelowIt(RetryPolicy policy, int retry, double draw, long ms) {
        assertThat(policy.backoff(retry, draw)).isEqualTo(Duration.ofMillis(ms));
    }

    @Property
    void backoffStaysWithinItsJitterBand(
            @ForAll @IntRange(min = 1, max = 64) int retry,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double draw,
            @ForAll @DoubleRange(min = 0, max = 1) double jitter) {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(25), Duration.ofSeconds(1), jitter);
        long cap = Math.min(1_000, 25L << Math.min(retry - 1, 30));

        long delay = policy.backoff(retry, draw).toMillis();

        assertThat(delay).isBetween(Math.max(1, (long) Math.floor(cap * (1 - jitter))), cap);
    }

    @Test
    void onlyEddysRetryableCodesAreRetryable() {
        assertThat(RetryPolicy.retryable(new EddyException(ErrorCode.STORAGE_UNAVAILABLE, "s3")))
                .isTrue();
        assertThat(RetryPolicy.retryable(new GroupConflictException("raced", null)))
                .isTrue();
        assertThat(RetryPolicy.retryable(new EddyException(ErrorCode.UNKNOWN_TOPIC, "gone")))
                .isFalse();
        assertThat(RetryPolicy.retryable(new IllegalStateException("bug"))).isFalse();
    }

    private static Uni<String> failingTimes(int failures, ErrorCode code, AtomicInteger calls) {
        return Uni.createFrom().item(() -> {
            if (calls.incrementAndGet() <= failures) {
                throw new EddyException(code, "attempt " + calls.get());
            }
            return "ok";
        });
    }
}
