package io.eddy.core.produce.lease;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static io.eddy.core.fixtures.Produce.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.ForwardingMetadataStore;
import io.eddy.core.fixtures.MutableClock;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.produce.RecordOffset;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Leader leases against DynamoDB Local: the holder skips head reads; a paused former holder is fenced. */
@ExtendWith(EddyStackExtension.class)
class LeaseFencingTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(10);

    /** Counts head reads, to show a lease holder commits without one. */
    private static final class CountingStore extends ForwardingMetadataStore {
        final AtomicInteger headReads = new AtomicInteger();

        CountingStore(io.eddy.core.storage.MetadataStore delegate) {
            super(delegate);
        }

        @Override
        public Uni<Map<Integer, PartitionHead>> heads(UUID topicId, Collection<Integer> partitions) {
            headReads.incrementAndGet();
            return delegate.heads(topicId, partitions);
        }
    }

    private static List<Long> produce(CoreInstance eddy, Topic topic, int n) {
        return await(eddy.produce()
                        .produce(
                                topic.name().value(),
                                request(java.util.stream.IntStream.range(0, n)
                                        .mapToObj(i -> entry(0, null, "v" + i, T0.toEpochMilli()))
                                        .toList())))
                .stream()
                .map(RecordOffset::offset)
                .toList();
    }

    @Test
    void aPausedFormerLeaderIsFencedAndTheNewLeaderContinuesWithoutGapOrDuplicate(EddyStack stack) {
        MutableClock clockA = new MutableClock(T0);
        MutableClock clockB = new MutableClock(T0);
        CountingStore[] storeA = new CountingStore[1];
        try (CoreInstance a = CoreInstance.on(stack)
                        .clock(clockA)
                        .leases("instance-a", LEASE)
                        .produceMetadata(m -> storeA[0] = new CountingStore(m))
                        .start()
                        .ensureResources();
                CoreInstance b = CoreInstance.on(stack)
                        .clock(clockB)
                        .leases("instance-b", LEASE)
                        .start()) {
            Topic topic = await(a.topics().create("lease-" + UUID.randomUUID(), 1, Map.of()));
            Leases.Key key = new Leases.Key(topic.id(), 0);

            // A takes the lease with its first write, then writes without reading the head
            assertThat(produce(a, topic, 3)).containsExactly(0L, 1L, 2L);
            int readsAfterFirst = storeA[0].headReads.get();
            assertThat(produce(a, topic, 2)).containsExactly(3L, 4L);
            assertThat(storeA[0].headReads.get())
                    .as("a lease holder commits without reading the head")
                    .isEqualTo(readsAfterFirst);
            assertThat(head(a, topic).lease()).satisfies(l -> {
                assertThat(l.owner()).isEqualTo("instance-a");
                assertThat(l.epoch()).isEqualTo(1);
            });

            // A pauses; B's clock passes A's expiry, B takes over with the next epoch
            clockB.advance(LEASE.plusSeconds(1));
            assertThat(produce(b, topic, 2)).containsExactly(5L, 6L);
            assertThat(head(b, topic).lease().epoch()).isEqualTo(2);

            // A wakes up still believing in its lease: its commit writes nothing, the producer may retry
            EddyException fenced = catchThrowableOfType(EddyException.class, () -> produce(a, topic, 4));
            assertThat(fenced.code()).isEqualTo(ErrorCode.NOT_LEADER);
            assertThat(fenced.retryable()).isTrue();
            assertThat(head(b, topic).nextOffset()).isEqualTo(7);
            assertThat(a.leases().state(key)).isInstanceOf(LeaseState.Lost.class);
            assertThat(a.produceMetrics().snapshot()).containsEntry("leases_lost", 1L);

            // the new leader goes on; the old one, now unleased, commits optimistically after it: no gap, no duplicate
            assertThat(produce(b, topic, 2)).containsExactly(7L, 8L);
            assertThat(produce(a, topic, 1)).containsExactly(9L);
            assertThat(produce(b, topic, 1))
                    .as("the leader learns of the optimistic write from a conflict")
                    .containsExactly(10L);
            assertThat(await(a.metadata().entriesFrom(topic.id(), 0, 0, 100)))
                    .extracting(e -> e.baseOffset() + ".." + e.lastOffset())
                    .containsExactly("0..2", "3..4", "5..6", "7..8", "9..9", "10..10");
        }
    }

    @Test
    void anExpiredLeaseIsRetakenByItsOwnerWithTheNextEpoch(EddyStack stack) {
        MutableClock clock = new MutableClock(T0);
        try (CoreInstance a = CoreInstance.on(stack)
                .clock(clock)
                .leases("instance-a", LEASE)
                .start()
                .ensureResources()) {
            Topic topic = await(a.topics().create("lease-" + UUID.randomUUID(), 1, Map.of()));

            produce(a, topic, 1);
            clock.advance(LEASE.multipliedBy(3));
            assertThat(produce(a, topic, 1)).containsExactly(1L);

            assertThat(head(a, topic).lease().epoch()).isEqualTo(2);
            assertThat(head(a, topic).lease().expiresAtMs()).isEqualTo(clock.millis() + LEASE.toMillis());
        }
    }

    private static PartitionHead head(CoreInstance eddy, Topic topic) {
        return await(eddy.metadata().heads(topic.id(), List.of(0))).get(0);
    }
}
