package io.eddy.runtime.metrics;

import io.eddy.core.model.PartitionHead;
import io.eddy.core.produce.lease.LeaderLeases;
import io.eddy.core.produce.lease.LeaseState;
import io.eddy.core.produce.lease.Leases;
import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * {@link Leases} that count each lease they take ({@code eddy_lease_acquisitions_total}): an {@link #ensure} that
 * answers a lease other than the one held before it. Losses are counted by the write path itself
 * ({@code eddy_lease_losses_total}). Thread-safe as the leases it wraps.
 */
public final class CountedLeases implements LeaderLeases {
    private final Leases leases;
    private final EddyMeters meters;

    public CountedLeases(Leases leases, EddyMeters meters) {
        this.leases = leases;
        this.meters = meters;
    }

    @Override
    public Uni<Optional<LeaseState.Held>> ensure(Key key) {
        LeaseState before = leases.state(key);
        return leases.ensure(key).invoke(held -> {
            if (held.isPresent() && held.get() != before) {
                meters.leaseAcquired();
            }
        });
    }

    @Override
    public long renewedUntil() {
        return leases.renewedUntil();
    }

    @Override
    public void committed(Key key, LeaseState.Held held, long next, long renewedUntilMs) {
        leases.committed(key, held, next, renewedUntilMs);
    }

    @Override
    public void conflicted(Key key, LeaseState.Held held) {
        leases.conflicted(key, held);
    }

    @Override
    public boolean headRead(Key key, LeaseState.Held held, PartitionHead head) {
        return leases.headRead(key, held, head);
    }
}
