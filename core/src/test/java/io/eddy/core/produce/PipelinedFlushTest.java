package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static io.eddy.core.fixtures.Produce.request;
import static io.eddy.core.fixtures.Produce.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.error.OffsetConflictException;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.ForwardingMetadataStore;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pipelined flushes in server mode (group commit, leases, four flushes of a lane in flight) against DynamoDB Local
 * and the S3 stand-in: many producers on few partitions get contiguous offsets in their own order, nothing is lost
 * (also when every flush is one due by its linger, flushed behind the flushes in flight once the lane is quiet),
 * and a commit that fails or loses a race mid-pipeline neither loses nor reorders anything acknowledged nor leaves
 * anything it did not acknowledge.
 */
@ExtendWith(EddyStackExtension.class)
class PipelinedFlushTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final int PRODUCERS = 8;
    private static final int REQUESTS = 40;
    private static final int RECORDS = 3;
    private static final int PARTITIONS = 2;
    /** Why requests failed, for the failure message. */
    private static final Set<String> REASONS = ConcurrentHashMap.newKeySet();

    @Test
    void concurrentProducersOnFewPartitionsGetContiguousOffsetsInTheirOwnOrderWhileFlushesOverlap(EddyStack stack)
            throws Exception {
        AtomicReference<Probe> probe = new AtomicReference<>();
        try (CoreInstance eddy = pipelined(stack, probe, n -> false)) {
            assertEveryRequestStoredInOrderWhileFlushesOverlap(eddy, probe.get());
        }
    }

    @Test
    void segmentsDueByTheirLingerAloneAreFlushedBehindAFlushInFlightKeepingOffsetsContiguousAndInOrder(EddyStack stack)
            throws Exception {
        AtomicReference<Probe> probe = new AtomicReference<>();
        // no request fills a segment: every flush is one due by its linger
        try (CoreInstance eddy = pipelined(stack, probe, n -> false, Duration.ofMillis(2), 8L << 20)) {
            assertEveryRequestStoredInOrderWhileFlushesOverlap(eddy, probe.get());
        }
    }

    private static void assertEveryRequestStoredInOrderWhileFlushesOverlap(CoreInstance eddy, Probe probe)
            throws Exception {
        Outcome outcome = produce(eddy);

        assertThat(outcome.failed()).as("nothing failed: %s", REASONS).isEmpty();
        assertThat(outcome.acked()).hasSize(PRODUCERS * REQUESTS * RECORDS);
        assertLog(eddy, outcome);
        assertThat(probe.readsDuringCommit.get())
                .as("flushes decided while others committed")
                .isPositive();
    }

    @Test
    void commitsThatFailOrLoseRacesMidPipelineLoseAndReorderNothingAcknowledged(EddyStack stack) throws Exception {
        AtomicReference<Probe> probe = new AtomicReference<>();
        // every 7th commit fails before it reaches DynamoDB, every 5th other one loses a race
        try (CoreInstance eddy = pipelined(stack, probe, n -> n % 5 == 0 || n % 7 == 0)) {
            Outcome outcome = produce(eddy);

            assertThat(outcome.failed())
                    .as("the failed commits' requests failed")
                    .isNotEmpty();
            assertThat(probe.get().failures.get()).isPositive();
            assertLog(eddy, outcome);
        }
    }

    private CoreInstance pipelined(EddyStack stack, AtomicReference<Probe> probe, IntPredicate failing) {
        // every request fills a segment: pipelined at once
        return pipelined(stack, probe, failing, Duration.ofMillis(2), 64);
    }

    private CoreInstance pipelined(
            EddyStack stack,
            AtomicReference<Probe> probe,
            IntPredicate failing,
            Duration linger,
            long maxSegmentBytes) {
        return CoreInstance.on(stack)
                .groupCommit(linger, maxSegmentBytes)
                .flushesInFlight(4)
                .leases("pipeline-" + UUID.randomUUID(), Duration.ofSeconds(30))
                .produceMetadata(m -> {
                    probe.set(new Probe(m, failing));
                    return probe.get();
                })
                .start()
                .ensureResources();
    }

    /** What the producers were told: record value → (partition, offset) acknowledged; the values of failed requests. */
    private record Outcome(
            String topic,
            UUID topicId,
            Map<String, Long> acked,
            Map<String, Integer> partitionOf,
            Set<String> failed) {}

    /**
     * {@link #PRODUCERS} producers, each sending {@link #REQUESTS} requests one after the other, each of
     * {@link #RECORDS} records over the partitions; a request that fails is given up (its records must not appear).
     */
    private static Outcome produce(CoreInstance eddy) throws Exception {
        Topic topic = await(eddy.topics().create("pipelined-" + UUID.randomUUID(), PARTITIONS, Map.of()));
        String name = topic.name().value();
        Map<String, Long> acked = new ConcurrentHashMap<>();
        Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int pr = 0; pr < PRODUCERS; pr++) {
                int p = pr;
                running.add(pool.submit(() -> {
                    for (int r = 0; r < REQUESTS; r++) {
                        List<ProduceRequest.Entry> entries = new ArrayList<>();
                        List<String> values = new ArrayList<>();
                        for (int i = 0; i < RECORDS; i++) {
                            String value = "p" + p + "-" + r + "-" + i;
                            int partition = (p + r + i) % PARTITIONS;
                            entries.add(entry(partition, "p" + p, value, T0));
                            values.add(value);
                            partitionOf.put(value, partition);
                        }
                        try {
                            List<RecordOffset> offsets = await(eddy.produce().produce(name, request(entries)));
                            for (int i = 0; i < RECORDS; i++) {
                                acked.put(values.get(i), offsets.get(i).offset());
                            }
                        } catch (EddyException e) {
                            assertThat(e.retryable()).as(e.getMessage()).isTrue();
                            failed.addAll(values);
                            REASONS.add(e.code() + ": " + e.getMessage());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return new Outcome(name, topic.id(), acked, partitionOf, failed);
    }

    /**
     * The log holds exactly the acknowledged records, each at its acknowledged offset, offsets contiguous from 0, and
     * each producer's records in the order it sent them.
     */
    private static void assertLog(CoreInstance eddy, Outcome outcome) {
        Map<String, Long> stored = new HashMap<>();
        Map<String, Integer> storedIn = new HashMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            long next = await(eddy.metadata().heads(outcome.topicId(), List.of(partition)))
                    .get(partition)
                    .nextOffset();
            List<Record> log = IdempotentProduceTest.readAll(eddy, outcome.topic(), partition, next);
            for (int i = 0; i < log.size(); i++) {
                Record record = log.get(i);
                assertThat(record.offset()).as("contiguous offsets").isEqualTo(i);
                String value = text(record.value());
                assertThat(stored.put(value, record.offset()))
                        .as("stored once: " + value)
                        .isNull();
                storedIn.put(value, partition);
            }
            List<String> order = log.stream().map(r -> text(r.value())).toList();
            for (int p = 0; p < PRODUCERS; p++) {
                String prefix = "p" + p + "-";
                List<int[]> sent = order.stream()
                        .filter(v -> v.startsWith(prefix))
                        .map(v -> new int[] {Integer.parseInt(v.split("-")[1]), Integer.parseInt(v.split("-")[2])})
                        .toList();
                for (int i = 1; i < sent.size(); i++) {
                    int[] a = sent.get(i - 1);
                    int[] b = sent.get(i);
                    assertThat(a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]))
                            .as("producer " + p + "'s order on partition " + partition)
                            .isTrue();
                }
            }
        }
        assertThat(stored)
                .as("exactly the acknowledged records, where they were acknowledged")
                .isEqualTo(outcome.acked());
        outcome.acked()
                .keySet()
                .forEach(v -> assertThat(storedIn.get(v))
                        .isEqualTo(outcome.partitionOf().get(v)));
    }

    /**
     * The produce path's metadata store: counts the decision reads made while a commit is in flight (only pipelined
     * flushes make them), and fails the commits a predicate picks — a multiple of 7 before it reaches DynamoDB (not
     * committed, known so), another pick as a lost race.
     */
    private static final class Probe extends ForwardingMetadataStore {
        private final IntPredicate failing;
        private final AtomicInteger commits = new AtomicInteger();
        private final AtomicInteger committing = new AtomicInteger();
        private final AtomicInteger readsDuringCommit = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();

        Probe(MetadataStore delegate, IntPredicate failing) {
            super(delegate);
            this.failing = failing;
        }

        @Override
        public Uni<Map<Long, Short>> producerEpochs(Collection<Long> producerIds) {
            if (committing.get() > 0) {
                readsDuringCommit.incrementAndGet();
            }
            return delegate.producerEpochs(producerIds);
        }

        @Override
        public Uni<MetadataStore.Committed> commit(CommitBatch batch) {
            return Uni.createFrom().deferred(() -> {
                int n = commits.incrementAndGet();
                committing.incrementAndGet();
                Uni<MetadataStore.Committed> commit;
                if (failing.test(n) && n % 7 == 0) {
                    failures.incrementAndGet();
                    commit = Uni.createFrom()
                            .failure(new EddyException(
                                    ErrorCode.STORAGE_UNAVAILABLE, "injected: commit " + n + " failed"));
                } else if (failing.test(n)) {
                    commit = Uni.createFrom()
                            .failure(new OffsetConflictException(
                                    Set.of(batch.partitions().get(0).partition()), null));
                } else {
                    commit = delegate.commit(batch);
                }
                return commit.onTermination().invoke(committing::decrementAndGet);
            });
        }
    }
}
