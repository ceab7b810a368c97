package io.eddy.core.support;

import io.eddy.core.error.EddyException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The one retry policy: bounded attempts with jittered exponential backoff, applied to failures that say
 * they are retryable. Immutable and thread-safe.
 */
public record Retry(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
    public Retry {
        if (maxRetries < 0 || initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("bad retry policy");
        }
    }

    /** For calls to S3 and DynamoDB, on top of the SDK's own retries. */
    public static Retry defaults() {
        return new Retry(4, Duration.ofMillis(25), Duration.ofSeconds(1));
    }

    public static boolean isRetryable(Throwable t) {
        return t instanceof EddyException e && e.retryable();
    }

    /** Re-subscribes to {@code uni} (which must be lazy) on retryable failures. */
    public <T> Uni<T> apply(Uni<T> uni) {
        return apply(uni, Retry::isRetryable);
    }

    public <T> Uni<T> apply(Uni<T> uni, Predicate<Throwable> retryable) {
        if (maxRetries == 0) {
            return uni;
        }
        return uni.onFailure(retryable).retry().withBackOff(initialBackoff, maxBackoff).withJitter(0.5).atMost(maxRetries);
    }
}
