package io.eddy.client.internal;

import io.eddy.client.EddyClientException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client's one retry policy, of the same shape as the server's ({@code io.eddy.core.support.RetryPolicy}; the
 * client does not depend on the server's modules): at most {@code maxAttempts} attempts (the first included), and
 * before retry number {@code n} a jittered exponential backoff drawn from [{@code cap × (1 − jitter)}, {@code cap}]
 * where {@code cap = min(maxBackoff, baseBackoff × 2^(n−1))}, at least 1 ms. What counts as retryable: a problem
 * marked {@code retryable}, 429/502/503/504, no connection, no answer in time ({@link EddyClientException#retryable()}).
 * Immutable and thread-safe.
 *
 * @param maxAttempts  attempts in all, at least 1 (1: no retry)
 * @param baseBackoff  the delay before the first retry, not negative (Kafka's {@code retry.backoff.ms} may be 0)
 * @param maxBackoff   the longest delay, at least {@code baseBackoff}
 * @param jitter       the share of each delay drawn at random, from 0 to 1
 */
public record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff, double jitter) {
    public RetryPolicy {
        if (maxAttempts < 1
                || baseBackoff.isNegative()
                || maxBackoff.compareTo(baseBackoff) < 0
                || !(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("bad retry policy: " + maxAttempts + " attempts, backoff " + baseBackoff
                    + " to " + maxBackoff + ", jitter " + jitter);
        }
    }

    /** From Kafka's producer settings: {@code retries} after the first attempt, equal jitter. */
    public static RetryPolicy ofRetries(int retries, Duration baseBackoff, Duration maxBackoff) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must not be negative: " + retries);
        }
        return new RetryPolicy(retries == Integer.MAX_VALUE ? retries : retries + 1, baseBackoff, maxBackoff, 0.5);
    }

    /** The retries after the first attempt. */
    public int retries() {
        return maxAttempts - 1;
    }

    /** The delay before retry number {@code retry} (1 for the first), drawn at random. */
    public Duration backoff(int retry) {
        return backoff(retry, ThreadLocalRandom.current().nextDouble());
    }

    /** The delay before retry number {@code retry} (1 for the first) for a draw {@code uniform} in [0, 1). */
    public Duration backoff(int retry, double uniform) {
        if (retry < 1 || !(uniform >= 0 && uniform < 1)) {
            throw new IllegalArgumentException("retry " + retry + ", draw " + uniform);
        }
        long cap = Math.min(maxBackoff.toMillis(), baseBackoff.toMillis() << Math.min(retry - 1, 30));
        double low = cap * (1 - jitter);
        return Duration.ofMillis(Math.max(1, Math.round(low + uniform * (cap - low))));
    }

    public static boolean retryable(Throwable e) {
        return e instanceof EddyClientException ece && ece.retryable();
    }
}
