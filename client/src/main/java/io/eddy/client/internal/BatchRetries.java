package io.eddy.client.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * When a failed produce attempt, or a failed producer-registry call, is tried again: the client's
 * {@link RetryPolicy} (retryable failures, bounded attempts, jittered backoff) and, for batches, the
 * {@code delivery.timeout.ms} counted from the batch's first attempt. A forced close retries nothing.
 *
 * <p>Thread-safe if its {@code draw} is (the producer's draws from {@code ThreadLocalRandom}).
 */
final class BatchRetries {
    /** What to do with a failed batch. */
    sealed interface Decision permits Retry, GiveUp {}

    /** Send the batch again at {@code atNs}. */
    record Retry(long atNs) implements Decision {}

    /** Fail the batch's records. */
    record GiveUp() implements Decision {}

    private final RetryPolicy policy;
    private final long deliveryTimeoutNs;
    private final DoubleSupplier draw;

    /** @param draw uniform draws in [0, 1) for the backoff's jitter */
    BatchRetries(RetryPolicy policy, Duration deliveryTimeout, DoubleSupplier draw) {
        this.policy = policy;
        this.deliveryTimeoutNs = deliveryTimeout.toNanos();
        this.draw = draw;
    }

    /**
     * @param attempts    the attempts made so far, at least 1
     * @param firstSentNs when the first attempt was made
     */
    Decision afterFailure(boolean retryable, int attempts, long firstSentNs, long nowNs, boolean forced) {
        boolean inTime = nowNs - firstSentNs < deliveryTimeoutNs;
        if (retryable && attempts <= policy.retries() && inTime && !forced) {
            return new Retry(nowNs
                    + TimeUnit.MILLISECONDS.toNanos(
                            policy.backoff(attempts, draw.getAsDouble()).toMillis()));
        }
        return new GiveUp();
    }

    /** Whether a registry call that failed on attempt {@code attempt} (0 for the first) is tried again. */
    boolean retryCall(boolean retryable, int attempt) {
        return retryable && attempt < policy.retries();
    }

    /** The pause before trying again a registry call that failed on attempt {@code attempt} (0 for the first). */
    Duration callBackoff(int attempt) {
        return policy.backoff(attempt + 1, draw.getAsDouble());
    }
}
