package io.eddy.core.support;

import io.eddy.core.error.EddyException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The one retry policy: at most {@code maxAttempts} attempts (the first included), and before retry number
 * {@code n} a jittered exponential backoff, drawn from [{@code cap × (1 − jitter)}, {@code cap}] where
 * {@code cap = min(maxBackoff, baseBackoff × 2^(n−1))}: a jitter of 0 waits the exponential delay exactly, 0.5 is
 * "equal jitter", 1 "full jitter". Failures are retried when {@link #retryable(Throwable)} says so (the
 * {@link EddyException}'s {@code ErrorCode}), or as a caller's predicate narrows it. Built from configuration
 * values; {@link #defaults()} are those for calls to S3 and DynamoDB. Immutable and thread-safe.
 *
 * @param maxAttempts  attempts in all, at least 1 (1: no retry)
 * @param baseBackoff  the delay before the first retry, positive
 * @param maxBackoff   the longest delay, at least {@code baseBackoff}
 * @param jitter       the share of each delay drawn at random, from 0 to 1
 */
public record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff, double jitter) {
    public RetryPolicy {
        if (maxAttempts < 1
                || baseBackoff.isNegative()
                || baseBackoff.isZero()
                || maxBackoff.compareTo(baseBackoff) < 0
                || !(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("bad retry policy: " + maxAttempts + " attempts, backoff " + baseBackoff
                    + " to " + maxBackoff + ", jitter " + jitter);
        }
    }

    /** For calls to S3 and DynamoDB, on top of the SDK's own retries: 5 attempts, 25 ms to 1 s, equal jitter. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(25), Duration.ofSeconds(1), 0.5);
    }

    /** Whether a failure says it may succeed if tried again: an {@link EddyException} whose code is retryable. */
    public static boolean retryable(Throwable t) {
        return t instanceof EddyException e && e.retryable();
    }

    /** The delay before retry number {@code retry} (1 for the first), at least 1 ms, drawn at random. */
    public Duration backoff(int retry) {
        return backoff(retry, ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The delay before retry number {@code retry} (1 for the first) for a draw {@code uniform} in [0, 1): the same
     * draw gives the same delay. At least 1 ms (a timer refuses a zero delay).
     */
    public Duration backoff(int retry, double uniform) {
        if (retry < 1 || !(uniform >= 0 && uniform < 1)) {
            throw new IllegalArgumentException("retry " + retry + ", draw " + uniform);
        }
        long cap = Math.min(maxBackoff.toMillis(), baseBackoff.toMillis() << Math.min(retry - 1, 30));
        double low = cap * (1 - jitter);
        return Duration.ofMillis(Math.max(1, Math.round(low + uniform * (cap - low))));
    }

    /** Re-subscribes to {@code uni} (which must be lazy) on {@link #retryable retryable} failures. */
    public <T> Uni<T> apply(Uni<T> uni) {
        return apply(uni, RetryPolicy::retryable);
    }

    /** Re-subscribes to {@code uni} (which must be lazy) on the failures {@code retryable} accepts. */
    public <T> Uni<T> apply(Uni<T> uni, Predicate<Throwable> retryable) {
        return attempt(uni, retryable, 1);
    }

    private <T> Uni<T> attempt(Uni<T> uni, Predicate<Throwable> retryable, int attempt) {
        if (attempt >= maxAttempts) {
            return uni;
        }
        return uni.onFailure(retryable)
                .recoverWithUni(failure -> Uni.createFrom()
                        .voidItem()
                        .onItem()
                        .delayIt()
                        .by(backoff(attempt))
                        .flatMap(ignored -> attempt(uni, retryable, attempt + 1)));
    }
}
