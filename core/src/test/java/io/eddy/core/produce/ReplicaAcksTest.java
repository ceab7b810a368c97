package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.FailingBucket;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.replica.ReplicaRepair;
import io.eddy.core.storage.CompactionStore;
import io.eddy.core.storage.ResourceBootstrap;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** acks across replica buckets, with the primary bucket failing every call, and the repair that heals it. */
@ExtendWith(EddyStackExtension.class)
class ReplicaAcksTest {
    private static final long T0 = 1_764_000_000_000L;

    private static ProduceRequest request(Acks acks, int n, String prefix) {
        return new ProduceRequest(
                IntStream.range(0, n)
                        .mapToObj(i -> entry(i % 2, null, prefix + i, T0))
                        .toList(),
                false,
                acks,
                Compression.NONE,
                null);
    }

    private static Topic replicatedTopic(CoreInstance eddy, String primary, String replica) {
        ResourceBootstrap.ensureBuckets(eddy.s3(), List.of(primary, replica));
        return await(eddy.topics()
                .create("replicas-" + UUID.randomUUID(), 2, Map.of("replicas", List.of(primary, replica))));
    }

    @Test
    void acksAllWritesEveryReplicaAndRecordsThemInTheIndex(EddyStack stack) {
        String primary = stack.bucket();
        String replica = stack.newBucketName();
        try (CoreInstance eddy = CoreInstance.on(stack).buckets(replica).start().ensureResources()) {
            Topic topic = replicatedTopic(eddy, primary, replica);

            await(eddy.produce().produce(topic.name().value(), request(Acks.ALL, 4, "v")));

            IndexEntry entry =
                    await(eddy.metadata().entriesFrom(topic.id(), 0, 0, 10)).get(0);
            assertThat(entry.buckets()).containsExactly(primary, replica);
            assertThat(await(eddy.segments().get(replica, entry.objectKey())))
                    .isEqualTo(await(eddy.segments().get(primary, entry.objectKey())));
            assertThat(eddy.produceMetrics().segmentPuts()).isEqualTo(2);
        }
    }

    @Test
    void withThePrimaryFailingAcksOneWritesAReplicaNothingIsLostAndRepairHealsThePrimary(EddyStack stack) {
        String primary = stack.bucket();
        String replica = stack.newBucketName();
        FailingBucket failing = new FailingBucket(primary);
        try (CoreInstance healthy =
                        CoreInstance.on(stack).buckets(replica).start().ensureResources();
                CoreInstance eddy = CoreInstance.on(stack)
                        .buckets(replica)
                        .s3Interceptor(failing)
                        .start()) {
            Topic topic = replicatedTopic(healthy, primary, replica);
            String name = topic.name().value();

            // acks=1 with a dead primary: acknowledged from the replica
            List<RecordOffset> acked = await(eddy.produce().produce(name, request(Acks.LEADER, 10, "v")));
            assertThat(acked).hasSize(10);
            assertThat(failing.failedCalls()).isPositive();
            assertThat(eddy.produceMetrics().replicaFallbacks()).isEqualTo(1);
            IndexEntry entry =
                    await(eddy.metadata().entriesFrom(topic.id(), 0, 0, 10)).get(0);
            assertThat(entry.buckets()).as("the index says where the object is").containsExactly(replica);

            // acks=all cannot be met: nothing is committed
            EddyException notEnough = catchThrowableOfType(
                    EddyException.class, () -> await(eddy.produce().produce(name, request(Acks.ALL, 2, "w"))));
            assertThat(notEnough.code()).isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
            assertThat(notEnough.retryable()).isTrue();
            assertThat(await(eddy.metadata().heads(topic.id(), List.of(0)))
                            .get(0)
                            .nextOffset())
                    .isEqualTo(5);

            // every acknowledged record reads back, through the failing instance too
            assertThat(values(eddy, name, 0)).containsExactly("v0", "v2", "v4", "v6", "v8");
            assertThat(values(healthy, name, 1)).containsExactly("v1", "v3", "v5", "v7", "v9");

            // the repair writes the partition's chunk to both buckets and lists the primary first again
            ReplicaRepair.Report report = repair(healthy, topic, 0);
            ReplicaRepair.Report other = repair(healthy, topic, 1);
            assertThat(report.entriesRepaired()).isEqualTo(1);
            assertThat(report.objectsWritten())
                    .as("one new object, in each bucket")
                    .isEqualTo(2);
            IndexEntry repaired =
                    await(healthy.metadata().entriesFrom(topic.id(), 0, 0, 10)).get(0);
            assertThat(repaired.buckets()).containsExactly(primary, replica);
            assertThat(repaired.crc32c()).isEqualTo(entry.crc32c());
            assertThat(await(healthy.segments().get(primary, repaired.objectKey())))
                    .isEqualTo(await(healthy.segments().get(replica, repaired.objectKey())));
            assertThat(other.entriesRepaired()).isEqualTo(1);
            assertThat(repair(healthy, topic, 0).entriesRepaired())
                    .as("idempotent")
                    .isZero();
            assertThat(values(healthy.coldFetch(), name, 0)).containsExactly("v0", "v2", "v4", "v6", "v8");
        }
    }

    @Test
    void repairCopiesOnlyTheChunksOfThePartitionItRepairsNotTheWholeSharedObject(EddyStack stack) {
        String primary = stack.bucket();
        String replica = stack.newBucketName();
        FailingBucket failing = new FailingBucket(primary);
        try (CoreInstance healthy =
                        CoreInstance.on(stack).buckets(replica).start().ensureResources();
                CoreInstance eddy = CoreInstance.on(stack)
                        .buckets(replica)
                        .s3Interceptor(failing)
                        .start()) {
            Topic topic = replicatedTopic(healthy, primary, replica);
            // one flush, one object in the replica holding both partitions' chunks
            await(eddy.produce().produce(topic.name().value(), request(Acks.LEADER, 6, "v")));
            IndexEntry before =
                    await(eddy.metadata().entriesFrom(topic.id(), 0, 0, 10)).get(0);
            IndexEntry sibling =
                    await(eddy.metadata().entriesFrom(topic.id(), 1, 0, 10)).get(0);
            assertThat(sibling.objectKey())
                    .as("both partitions share the object")
                    .isEqualTo(before.objectKey());

            ReplicaRepair.Report report = repair(healthy, topic, 0);

            IndexEntry after =
                    await(healthy.metadata().entriesFrom(topic.id(), 0, 0, 10)).get(0);
            assertThat(report.entriesRepaired()).isEqualTo(1);
            assertThat(after.buckets()).containsExactly(primary, replica);
            assertThat(after.baseOffset()).isEqualTo(before.baseOffset());
            assertThat(after.lastOffset()).isEqualTo(before.lastOffset());
            byte[] copied = await(healthy.segments().get(primary, after.objectKey()));
            assertThat(io.eddy.core.format.SegmentFormat.footer(copied))
                    .as("the object written to the primary holds partition 0's chunk and nothing else")
                    .singleElement()
                    .satisfies(c -> {
                        assertThat(c.topicId()).isEqualTo(topic.id());
                        assertThat(c.partition()).isZero();
                        assertThat(c.crc32c()).isEqualTo(after.crc32c());
                    });
            assertThat(healthy.segments()
                            .get(primary, before.objectKey())
                            .onFailure()
                            .recoverWithNull()
                            .await()
                            .atMost(CoreInstance.AWAIT))
                    .as("the shared object was not copied")
                    .isNull();
            assertThat(await(healthy.metadata().entriesFrom(topic.id(), 1, 0, 10))
                            .get(0))
                    .as("partition 1 was not repaired")
                    .isEqualTo(sibling);
            assertThat(values(healthy.coldFetch(), topic.name().value(), 0)).containsExactly("v0", "v2", "v4");
        }
    }

    private static ReplicaRepair repairer(CoreInstance eddy) {
        return new ReplicaRepair(
                eddy.metadata(),
                eddy.compactionStore(),
                eddy.segments(),
                new io.eddy.core.storage.ObjectKeys(eddy.clock()),
                eddy.buckets(),
                eddy.clock());
    }

    /** The partition's job lease, as the compactor holds it while it repairs. */
    private static CompactionStore.JobLease lease(CoreInstance eddy, Topic topic, int partition) {
        long now = eddy.clock().millis();
        return await(eddy.compactionStore()
                        .acquire("compact:" + topic.id() + ":" + partition, "test", now, now + 60_000))
                .orElseThrow();
    }

    private static ReplicaRepair.Report repair(CoreInstance eddy, Topic topic, int partition) {
        return await(repairer(eddy).repair(topic, partition, 0, lease(eddy, topic, partition)));
    }

    private static ReplicaRepair.Report scrub(CoreInstance eddy, Topic topic, int partition) {
        return await(repairer(eddy).scrub(topic, partition, 0, lease(eddy, topic, partition)));
    }

    @Test
    void readsFallBackToTheReplicaWhenThePrimaryFailsAndCountIt(EddyStack stack) {
        String primary = stack.bucket();
        String replica = stack.newBucketName();
        FailingBucket failing = new FailingBucket(primary);
        try (CoreInstance healthy =
                        CoreInstance.on(stack).buckets(replica).start().ensureResources();
                CoreInstance eddy = CoreInstance.on(stack)
                        .buckets(replica)
                        .s3Interceptor(failing)
                        .start()) {
            Topic topic = replicatedTopic(healthy, primary, replica);
            await(healthy.produce().produce(topic.name().value(), request(Acks.ALL, 6, "v")));

            var fetch = eddy.coldFetch();
            assertThat(values(fetch, topic.name().value(), 0)).containsExactly("v0", "v2", "v4");
            assertThat(failing.failedCalls()).as("the primary was tried first").isPositive();
            assertThat(fetch.replicaFallbacks()).isEqualTo(1);
            assertThat(values(healthy.coldFetch(), topic.name().value(), 1)).containsExactly("v1", "v3", "v5");
        }
    }

    @Test
    void aScrubFindsACorruptCopyAndReplacesItFromAnIntactOne(EddyStack stack) {
        String primary = stack.bucket();
        String replica = stack.newBucketName();
        try (CoreInstance eddy = CoreInstance.on(stack).buckets(replica).start().ensureResources()) {
            Topic topic = replicatedTopic(eddy, primary, replica);
            await(eddy.produce().produce(topic.name().value(), request(Acks.ALL, 6, "v")));
            IndexEntry entry =
                    await(eddy.metadata().entriesFrom(topic.id(), 0, 0, 10)).get(0);
            byte[] good = await(eddy.segments().get(primary, entry.objectKey()));
            byte[] rotten = good.clone();
            rotten[(int) entry.position() + 3] ^= 0x10; // one flipped bit inside partition 0's chunk
            await(eddy.segments().put(replica, entry.objectKey(), rotten));

            ReplicaRepair.Report report = scrub(eddy, topic, 0);

            assertThat(report.entriesRepaired()).isEqualTo(1);
            IndexEntry mended =
                    await(eddy.metadata().entriesFrom(topic.id(), 0, 0, 10)).get(0);
            assertThat(mended.crc32c()).isEqualTo(entry.crc32c());
            assertThat(mended.buckets()).containsExactly(primary, replica);
            for (String bucket : List.of(primary, replica)) {
                assertThat(await(eddy.segments().read(bucket, mended.objectKey(), mended.position(), mended.length())))
                        .as("the intact chunk, in %s", bucket)
                        .isEqualTo(java.util.Arrays.copyOfRange(
                                good, (int) entry.position(), (int) entry.position() + entry.length()));
            }
            assertThat(scrub(eddy, topic, 0).entriesRepaired())
                    .as("nothing left to mend")
                    .isZero();
            assertThat(scrub(eddy, topic, 1).entriesRepaired())
                    .as("the other chunk was fine")
                    .isZero();
        }
    }

    private static List<String> values(CoreInstance eddy, String topic, int partition) {
        return values(eddy.coldFetch(), topic, partition);
    }

    private static List<String> values(io.eddy.core.fetch.FetchService fetch, String topic, int partition) {
        return await(fetch.fetch(new FetchRequest(topic, partition, 0, 100, 1 << 20, Duration.ZERO))).records().stream()
                .map(Record::value)
                .map(Produce::text)
                .toList();
    }
}
