package io.eddy.client.internal;

import io.eddy.client.EddyClientException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client's one retry policy: bounded attempts, full-jitter exponential backoff between {@code base} and
 * {@code max}, and what counts as retryable (a problem marked {@code retryable}, 429/502/503/504, no connection,
 * no answer in time). Immutable.
 */
public record Backoff(int retries, Duration base, Duration max) {
    public Backoff {
        if (retries < 0 || base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("bad backoff " + retries + " " + base + " " + max);
        }
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public long delayMs(int attempt) {
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(attempt - 1, 20));
        return ThreadLocalRandom.current().nextLong(Math.max(1, cap / 2), Math.max(2, cap + 1));
    }

    public static boolean retryable(Throwable e) {
        return e instanceof EddyClientException ece && ece.retryable();
    }
}
