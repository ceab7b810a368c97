package io.eddy.core.produce;

import java.time.Duration;

/**
 * How hard a produce tries to commit when other writers keep moving the partition heads: each conflict
 * re-reads the heads and retries the commit (never the S3 PUT) after a jittered backoff.
 */
public record CommitPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public CommitPolicy {
        if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("bad commit policy");
        }
    }

    public static CommitPolicy defaults() {
        return new CommitPolicy(64, Duration.ofMillis(2), Duration.ofMillis(200));
    }
}
