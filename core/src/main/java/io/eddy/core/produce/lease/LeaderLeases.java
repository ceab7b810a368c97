package io.eddy.core.produce.lease;

import io.eddy.core.model.PartitionHead;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import java.util.UUID;

/**
 * The leader leases a writer commits under, per partition: {@link Leases} in server mode, {@link NoLeases} where
 * every commit is optimistic. Implementations are thread-safe.
 */
public interface LeaderLeases {

    /** A partition of a topic. */
    record Key(UUID topicId, int partition) {}

    /** The leases of a writer that never takes one: every commit reads the head and is optimistic. */
    static LeaderLeases none() {
        return new NoLeases();
    }

    /**
     * The lease to commit under, taking it if it is free or expired; empty when none is to be had (the caller
     * then commits optimistically, reading the head).
     */
    Uni<Optional<LeaseState.Held>> ensure(Key key);

    /** The expiry a commit made now extends a lease to. */
    long renewedUntil();

    /** A commit under {@code held} succeeded: the head moved to {@code next}, the lease lasts until {@code renewedUntilMs}. */
    void committed(Key key, LeaseState.Held held, long next, long renewedUntilMs);

    /** A commit under {@code held} lost a race: the head must be read before the next one. */
    void conflicted(Key key, LeaseState.Held held);

    /** Applies a head read under {@code held}; true if the lease is still ours. */
    boolean headRead(Key key, LeaseState.Held held, PartitionHead head);
}
