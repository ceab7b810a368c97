package io.eddy.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
    private static final Retry FAST = new Retry(3, Duration.ofMillis(1), Duration.ofMillis(2));

    @Test
    void retryableFailuresAreRetriedUntilSuccess() {
        AtomicInteger calls = new AtomicInteger();

        String result = FAST.apply(failingTimes(2, ErrorCode.STORAGE_UNAVAILABLE, calls)).await().atMost(Duration.ofSeconds(5));

        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
    }

    @Test
    void retriesAreBounded() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> FAST.apply(failingTimes(100, ErrorCode.METADATA_UNAVAILABLE, calls))
                .await().atMost(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.METADATA_UNAVAILABLE));
        assertThat(calls).hasValue(4);
    }

    @Test
    void failuresThatAreNotRetryableFailAtOnce() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> FAST.apply(failingTimes(1, ErrorCode.UNKNOWN_TOPIC, calls)).await().atMost(Duration.ofSeconds(5)))
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

        assertThatThrownBy(() -> FAST.apply(uni).await().atMost(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void noRetriesMeansOneAttempt() {
        AtomicInteger calls = new AtomicInteger();
        Retry none = new Retry(0, Duration.ofMillis(1), Duration.ofMillis(1));

        assertThatThrownBy(() -> none.apply(failingTimes(1, ErrorCode.STORAGE_UNAVAILABLE, calls)).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(EddyException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void badPoliciesAreRefused() {
        assertThatThrownBy(() -> new Retry(-1, Duration.ofMillis(1), Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Retry(1, Duration.ZERO, Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Retry(1, Duration.ofMillis(5), Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
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
