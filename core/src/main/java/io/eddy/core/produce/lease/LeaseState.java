package io.eddy.core.produce.lease;

import io.eddy.core.model.PartitionHead;

/**
 * What one instance knows of its leader lease on one partition. Pure values with named transitions; the
 * {@link Leases} table applies them. A holder commits without reading the head first (it knows the next
 * offset) and conditions every commit on its epoch, which fences it once someone else has taken over.
 */
public sealed interface LeaseState permits LeaseState.Unheld, LeaseState.Held, LeaseState.Lost {

    /** Never held here: take it before the next commit. */
    record Unheld() implements LeaseState {}

    /**
     * Held with {@code epoch} until {@code expiresAtMs}.
     *
     * @param nextOffset the partition's next offset as of this holder's last commit, or -1 when unknown (after
     *                   a conflict: an unleased writer moved the head, so it must be read once)
     */
    record Held(long epoch, long expiresAtMs, long nextOffset) implements LeaseState {
        /** A commit succeeded: the head moved to {@code next} and the lease was extended. */
        public Held committed(long next, long renewedUntilMs) {
            return new Held(epoch, renewedUntilMs, next);
        }

        /** A commit's condition failed: the head must be read before the next one. */
        public Held conflicted() {
            return new Held(epoch, expiresAtMs, -1);
        }

        /** The head was read: still ours (same owner and epoch), or lost to a newer epoch. */
        public LeaseState headRead(PartitionHead head, String owner) {
            PartitionHead.Lease stored = head.lease();
            if (stored != null && stored.epoch() == epoch && stored.owner().equals(owner)) {
                return new Held(epoch, stored.expiresAtMs(), head.nextOffset());
            }
            return new Lost(stored == null ? 0 : stored.expiresAtMs());
        }

        /** Whether commits may rely on it at {@code nowMs}: unexpired by at least {@code marginMs}. */
        public boolean usable(long nowMs, long marginMs) {
            return expiresAtMs - marginMs > nowMs;
        }
    }

    /**
     * Another instance holds it (or took it over); try again once its lease would expire at
     * {@code retryAfterMs}. Meanwhile this instance commits optimistically, which is always correct.
     */
    record Lost(long retryAfterMs) implements LeaseState {}

    /** The lease as just granted, with the head it returned. */
    static LeaseState granted(PartitionHead head) {
        return new Held(head.lease().epoch(), head.lease().expiresAtMs(), head.nextOffset());
    }
}
