package io.eddy.core.compact;

import static io.eddy.core.compact.CompactorTest.POLICY;
import static io.eddy.core.compact.CompactorTest.T0;
import static io.eddy.core.compact.CompactorTest.quiet;
import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchResult;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.ForwardingCompactionStore;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Topic;
import io.eddy.core.model.TopicConfig;
import io.eddy.core.model.TopicName;
import io.eddy.core.produce.RecordOffset;
import io.eddy.core.storage.CompactionStore;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Garbage collection against topics created and deleted while a pass runs: a pass is held between its topic listing
 * and the collector's index scan (the window a long pass leaves open), and topics change in it.
 */
@ExtendWith(EddyStackExtension.class)
class GarbageCollectorTest {
    private static final long WAIT_SECONDS = 30;

    /** Holds the collector's index scan until {@link #resume}: the pass has listed its topics and compacted. */
    private static final class PausedScan extends ForwardingCompactionStore {
        final CompletableFuture<Void> reached = new CompletableFuture<>();
        final CompletableFuture<Void> resume = new CompletableFuture<>();

        PausedScan(CompactionStore delegate) {
            super(delegate);
        }

        @Override
        public Uni<List<ScannedEntry>> scanEntries() {
            return Uni.createFrom()
                    .voidItem()
                    .invoke(() -> reached.complete(null))
                    .flatMap(ignored -> Uni.createFrom().completionStage(resume))
                    .flatMap(ignored -> delegate.scanEntries());
        }
    }

    private static String name() {
        return "gc-" + UUID.randomUUID();
    }

    private static FetchResult read(CoreInstance eddy, String topic, int partition) {
        return await(eddy.coldFetch().fetch(new FetchRequest(topic, partition, 0, 1_000, 8 << 20, Duration.ZERO)));
    }

    private static List<UUID> tombstones(CoreInstance eddy) {
        return await(eddy.compactionStore().deletedTopics()).stream()
                .map(CompactionStore.DeletedTopic::topicId)
                .toList();
    }

    private static List<Long> offsets(List<RecordOffset> acked) {
        return acked.stream().map(RecordOffset::offset).toList();
    }

    @Test
    void aTopicCreatedDuringAPassKeepsItsAcknowledgedRecordsAndItsNextOffset(EddyStack stack) throws Exception {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            PausedScan paused = new PausedScan(eddy.compactionStore());
            Compactor compactor = eddy.compactor(POLICY, store -> paused);
            var pass = compactor.run(Compactor.Options.all(), quiet()).subscribeAsCompletionStage();
            paused.reached.get(WAIT_SECONDS, TimeUnit.SECONDS);

            // when: a topic is created and written to after the pass listed the topics
            String name = name();
            await(eddy.topics().create(name, 1, Map.of("retention.ms", -1)));
            List<RecordOffset> acked = await(eddy.produce()
                    .produce(name, Produce.request(entry(0, null, "a", T0), entry(0, null, "b", T0 + 1))));
            assertThat(offsets(acked)).containsExactly(0L, 1L);
            paused.resume.complete(null);
            pass.get(WAIT_SECONDS, TimeUnit.SECONDS);

            // then
            FetchResult after = read(eddy, name, 0);
            assertThat(after.highWatermark())
                    .as("high watermark after the pass")
                    .isEqualTo(2);
            assertThat(after.records()).extracting(r -> Produce.text(r.value())).containsExactly("a", "b");
            assertThat(offsets(await(eddy.produce().produce(name, Produce.request(entry(0, null, "c", T0 + 2))))))
                    .as("the next offset continues the log")
                    .containsExactly(2L);
        }
    }

    @Test
    void aTopicDeletedAndCreatedAgainDuringAPassKeepsTheNewRecordsAndLosesTheOld(EddyStack stack) throws Exception {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            String name = name();
            Topic old = await(eddy.topics().create(name, 2, Map.of("retention.ms", -1)));
            await(eddy.produce()
                    .produce(name, Produce.request(entry(0, null, "old-0", T0), entry(1, null, "old-1", T0))));
            PausedScan paused = new PausedScan(eddy.compactionStore());
            Compactor compactor = eddy.compactor(POLICY, store -> paused);
            var pass = compactor.run(Compactor.Options.all(), quiet()).subscribeAsCompletionStage();
            paused.reached.get(WAIT_SECONDS, TimeUnit.SECONDS);

            // when: the listed topic is deleted, and its name created again (a new id) and written to
            await(eddy.topics().delete(name));
            Topic again = await(eddy.topics().create(name, 1, Map.of("retention.ms", -1)));
            assertThat(again.id()).isNotEqualTo(old.id());
            assertThat(offsets(await(eddy.produce()
                            .produce(
                                    name,
                                    Produce.request(entry(0, null, "new-0", T0), entry(0, null, "new-1", T0 + 1))))))
                    .containsExactly(0L, 1L);
            paused.resume.complete(null);
            Compactor.Result result = pass.get(WAIT_SECONDS, TimeUnit.SECONDS);

            // then
            FetchResult after = read(eddy, name, 0);
            assertThat(after.highWatermark()).isEqualTo(2);
            assertThat(after.records()).extracting(r -> Produce.text(r.value())).containsExactly("new-0", "new-1");
            assertThat(result.report().partitionsPurged.sum())
                    .as("the old id's two partitions")
                    .isEqualTo(2);
            for (int p = 0; p < 2; p++) {
                assertThat(await(eddy.metadata().heads(old.id(), List.of(p)))
                                .get(p)
                                .exists())
                        .isFalse();
                assertThat(await(eddy.metadata().entriesFrom(old.id(), p, 0, 10)))
                        .isEmpty();
            }
        }
    }

    @Test
    void aDeletedTopicsPartitionsAreAllPurgedByALaterPassWhenAPurgeIsCutShortAndAgainIsANoOp(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            String name = name();
            Topic doomed = await(eddy.topics().create(name, 3, Map.of("retention.ms", -1)));
            await(eddy.produce().produce(name, Produce.request(entry(0, null, "x", T0), entry(1, null, "y", T0))));
            long now = System.currentTimeMillis();
            // partition 2 has a head (a leader lease taken) and no index entry
            assertThat(await(eddy.metadata().acquireLease(doomed.id(), 2, "writer", now, now + 1_000)))
                    .isPresent();
            await(eddy.topics().delete(name));
            AtomicBoolean failOnce = new AtomicBoolean(true);
            Compactor compactor = eddy.compactor(POLICY, store -> new ForwardingCompactionStore(store) {
                @Override
                public Uni<Integer> purgePartition(UUID topicId, int partition) {
                    if (topicId.equals(doomed.id()) && failOnce.getAndSet(false)) {
                        return Uni.createFrom().failure(new IllegalStateException("injected: purge cut short"));
                    }
                    return delegate.purgePartition(topicId, partition);
                }
            });

            Throwable cut = catchThrowable(() -> await(compactor.run(Compactor.Options.all(), quiet())));
            assertThat(cut).hasMessageContaining("injected");
            assertThat(tombstones(eddy)).as("kept while a purge is unfinished").contains(doomed.id());

            Compactor.Result finished = await(compactor.run(Compactor.Options.all(), quiet()));
            assertThat(finished.report().partitionsPurged.sum()).isEqualTo(3);
            for (int p = 0; p < 3; p++) {
                assertThat(await(eddy.metadata().heads(doomed.id(), List.of(p)))
                                .get(p)
                                .exists())
                        .as("partition %d's head", p)
                        .isFalse();
                assertThat(await(eddy.metadata().entriesFrom(doomed.id(), p, 0, 10)))
                        .isEmpty();
            }

            assertThat(tombstones(eddy)).doesNotContain(doomed.id());

            Compactor.Result again = await(compactor.run(Compactor.Options.all(), quiet()));
            assertThat(again.report().partitionsPurged.sum())
                    .as("nothing left to purge")
                    .isZero();
        }
    }

    @Test
    void onlyIdsWithATombstoneOrMissingFromTheListingAfterTheScanAreDeadAndAListedIdNeverIs() {
        UUID listed = UUID.randomUUID();
        UUID unlisted = UUID.randomUUID();
        UUID tombstoned = UUID.randomUUID();
        Topic live = new Topic(new TopicName("live"), listed, 1, TopicConfig.defaults("bucket"), Instant.EPOCH);
        List<CompactionStore.ScannedEntry> scanned =
                List.of(scanned(listed, 0), scanned(unlisted, 3), scanned(tombstoned, 5));

        var dead = GarbageCollector.deadTopics(
                scanned,
                List.of(live),
                List.of(
                        new CompactionStore.DeletedTopic(tombstoned, "gone", 2),
                        new CompactionStore.DeletedTopic(listed, "live", 1))); // never so in practice: the listing wins

        assertThat(dead).containsOnlyKeys(unlisted, tombstoned);
        assertThat(dead.get(unlisted)).containsExactly(3);
        assertThat(dead.get(tombstoned))
                .as("its partitions when deleted, and any the scan saw")
                .containsExactly(0, 1, 5);
    }

    /**
     * Index pages (issue 17): a partition's newest runs live in its head's tail, not in an {@code O#} item. Their
     * objects are referenced all the same: a collector that scanned only {@code O#} items would delete them once
     * past the orphan grace, losing acknowledged records.
     */
    @Test
    void objectsReferencedOnlyByRunsInAHeadsTailAreKept(EddyStack stack) {
        io.eddy.core.fixtures.MutableClock clock = new io.eddy.core.fixtures.MutableClock(Instant.now());
        String bucket = stack.newBucketName();
        try (CoreInstance eddy =
                CoreInstance.on(stack).buckets(bucket).clock(clock).start().ensureResources()) {
            io.eddy.core.storage.ResourceBootstrap.ensureBuckets(eddy.s3(), List.of(bucket));
            String name = name();
            Topic topic = await(eddy.topics().create(name, 1, Map.of("retention.ms", -1, "replicas", List.of(bucket))));
            for (int i = 0; i < 3; i++) { // three commits: three runs, all in the head's tail
                await(eddy.produce().produce(name, Produce.request(entry(0, null, "v" + i, T0 + i))));
            }
            clock.advance(Duration.ofHours(2)); // every object is past the orphan grace
            Compactor.Result result = await(eddy.compactor(POLICY).run(Compactor.Options.all(), quiet()));

            assertThat(result.garbage())
                    .filteredOn(d -> d.bucket().equals(bucket))
                    .as("nothing referenced is garbage")
                    .isEmpty();
            assertThat(read(eddy, name, 0).records())
                    .extracting(r -> Produce.text(r.value()))
                    .containsExactly("v0", "v1", "v2");
            assertThat(await(eddy.compactionStore().scanEntries()))
                    .filteredOn(e -> e.topicId().equals(topic.id()))
                    .hasSize(3);
        }
    }

    private static CompactionStore.ScannedEntry scanned(UUID topicId, int partition) {
        return new CompactionStore.ScannedEntry(
                topicId, partition, new IndexEntry(0, 0, "segments/" + topicId, 0, 1, 0, 0, List.of("bucket")));
    }
}
