package io.eddy.core.produce.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.ForwardingMetadataStore;
import io.eddy.core.fixtures.MutableClock;
import io.eddy.core.model.PartitionHead;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How one instance takes a lease when its flushes overlap: concurrent flushes of a partition share one
 * acquisition, and an acquisition that meets a commit in flight (DynamoDB's transaction conflict) does not fail
 * the flush, which then commits optimistically.
 */
class LeasesTest {
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final LeaderLeases.Key KEY = new LeaderLeases.Key(UUID.randomUUID(), 0);

    /** Answers each acquisition with what the test completes it with; counts them. */
    private static final class HeldAcquisitions extends ForwardingMetadataStore {
        final List<CompletableFuture<Optional<PartitionHead>>> pending = new ArrayList<>();

        HeldAcquisitions() {
            super(null);
        }

        @Override
        public synchronized Uni<Optional<PartitionHead>> acquireLease(
                UUID topicId, int partition, String owner, long nowMs, long expiresAtMs) {
            CompletableFuture<Optional<PartitionHead>> f = new CompletableFuture<>();
            pending.add(f);
            return Uni.createFrom().completionStage(f);
        }

        static Optional<PartitionHead> granted(long epoch) {
            return Optional.of(
                    new PartitionHead(0, 7, 0, true, new PartitionHead.Lease("me", epoch, T0.toEpochMilli() + 30_000)));
        }
    }

    private static Leases leases(ForwardingMetadataStore store) {
        return new Leases(store, "me", Duration.ofSeconds(30), Duration.ofSeconds(5), new MutableClock(T0));
    }

    @Test
    void overlappingFlushesOfAPartitionShareOneAcquisition() {
        HeldAcquisitions store = new HeldAcquisitions();
        Leases leases = leases(store);
        List<Optional<LeaseState.Held>> got = new ArrayList<>();

        leases.ensure(KEY).subscribe().with(got::add);
        leases.ensure(KEY).subscribe().with(got::add);
        leases.ensure(KEY).subscribe().with(got::add);
        store.pending.get(0).complete(HeldAcquisitions.granted(4));

        assertThat(store.pending).as("acquisitions").hasSize(1);
        assertThat(got)
                .containsExactly(
                        Optional.of(new LeaseState.Held(4, T0.toEpochMilli() + 30_000, 7)),
                        Optional.of(new LeaseState.Held(4, T0.toEpochMilli() + 30_000, 7)),
                        Optional.of(new LeaseState.Held(4, T0.toEpochMilli() + 30_000, 7)));
    }

    @Test
    void anAcquisitionThatMeetsACommitInFlightLeavesTheFlushOptimisticAndIsRetriedNextTime() {
        HeldAcquisitions store = new HeldAcquisitions();
        Leases leases = leases(store);
        List<Optional<LeaseState.Held>> got = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();

        leases.ensure(KEY).subscribe().with(got::add, t -> failures.incrementAndGet());
        store.pending
                .get(0)
                .completeExceptionally(
                        new EddyException(ErrorCode.METADATA_UNAVAILABLE, "DynamoDB transaction conflict"));
        leases.ensure(KEY).subscribe().with(got::add, t -> failures.incrementAndGet());
        store.pending.get(1).complete(HeldAcquisitions.granted(5));

        assertThat(failures).as("failed flushes").hasValue(0);
        assertThat(store.pending).as("acquisitions").hasSize(2);
        assertThat(got)
                .containsExactly(Optional.empty(), Optional.of(new LeaseState.Held(5, T0.toEpochMilli() + 30_000, 7)));
    }
}
