package io.eddy.core.produce.lease;

import io.eddy.core.model.PartitionHead;
import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * No leader leases: {@link #ensure} never hands one out, so every commit reads the head and is optimistic (always
 * correct, as the lambda functions commit). The transitions have no lease of this table to apply to. Stateless and
 * thread-safe.
 */
public final class NoLeases implements LeaderLeases {

    @Override
    public Uni<Optional<LeaseState.Held>> ensure(Key key) {
        return Uni.createFrom().item(Optional.empty());
    }

    /** Nothing to renew: no commit carries a lease condition. */
    @Override
    public long renewedUntil() {
        return 0;
    }

    @Override
    public void committed(Key key, LeaseState.Held held, long next, long renewedUntilMs) {
        throw notHandedOut();
    }

    @Override
    public void conflicted(Key key, LeaseState.Held held) {
        throw notHandedOut();
    }

    @Override
    public boolean headRead(Key key, LeaseState.Held held, PartitionHead head) {
        throw notHandedOut();
    }

    private static IllegalStateException notHandedOut() {
        return new IllegalStateException("no leader lease was handed out: there is none to update");
    }
}
