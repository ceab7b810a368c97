package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.ForwardingMetadataStore;
import io.eddy.core.format.BatchCompression;
import io.eddy.core.format.RecordBatches;
import io.eddy.core.format.ValidatedBatch;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code atomic=true} is one DynamoDB transaction or nothing: a request whose commit would need more than 100
 * items is refused before anything is written, the largest one that fits commits in exactly one transaction,
 * and an atomic request is never packed with other requests into a commit that has to be split.
 * Items of a partition: its head and its index entry, plus a producer state per idempotent producer; plus one
 * registry check per producer across the transaction.
 */
@ExtendWith(EddyStackExtension.class)
class AtomicProduceTest {
    private static final long T0 = 1_764_000_000_000L;

    private static CoreInstance eddy;
    private static final List<CommitBatch> commits = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = CoreInstance.on(stack).produceMetadata(CommitsSeen::new).start().ensureResources();
    }

    @AfterAll
    static void stop() {
        eddy.close();
    }

    @BeforeEach
    void forget() {
        commits.clear();
    }

    @Test
    void theLargestAtomicRequestThatFitsCommitsInOneTransaction() {
        // 26 partitions from 22 producers (18 with one partition, 4 with two): 2 × 26 + 26 + 22 = 100 items
        Topic topic = newTopic(26);
        List<ValidatedBatch> batches = batches(producers(22), spread(26, 18));

        List<BatchOffsets> offsets = await(eddy.produce().produceBatches(name(topic), batches, Acks.LEADER, true));

        assertThat(offsets).extracting(BatchOffsets::baseOffset).containsOnly(0L);
        assertThat(commits).as("transactions").singleElement().satisfies(c -> {
            assertThat(c.partitions()).hasSize(26);
            assertThat(items(c)).isEqualTo(CommitBatch.MAX_ITEMS);
        });
    }

    @Test
    void anAtomicRequestOneItemOverTheTransactionLimitIsRefusedAndStoresNothing() {
        // 26 partitions from 23 producers (20 with one partition, 3 with two): 2 × 26 + 26 + 23 = 101 items
        Topic topic = newTopic(26);
        List<ValidatedBatch> batches = batches(producers(23), spread(26, 20));

        EddyException e = catchThrowableOfType(
                EddyException.class,
                () -> await(eddy.produce().produceBatches(name(topic), batches, Acks.LEADER, true)));

        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PARTITIONS);
        assertThat(e.code().status()).isEqualTo(400);
        assertThat(e.details())
                .containsEntry("items", 101)
                .containsEntry("max_items", CommitBatch.MAX_ITEMS)
                .containsEntry("partitions", 26)
                .containsEntry("producers", 23);
        assertThat(e.getMessage()).contains("100");
        assertThat(commits).as("transactions").isEmpty();
        assertNothingStored(topic);
    }

    @Test
    void twentySixPartitionsFromTwentySixProducersAreRefused() {
        // the case: 2 × 26 + 26 + 26 = 104 items, which used to become two concurrent transactions
        Topic topic = newTopic(26);
        List<ValidatedBatch> batches = batches(producers(26), spread(26, 26));

        EddyException e = catchThrowableOfType(
                EddyException.class,
                () -> await(eddy.produce().produceBatches(name(topic), batches, Acks.LEADER, true)));

        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PARTITIONS);
        assertThat(e.details()).containsEntry("items", 104);
        assertThat(commits).as("transactions").isEmpty();
        assertNothingStored(topic);
    }

    @Test
    void fiftyPartitionsWithoutProducersAreTheLimitOfAnAtomicJsonRequest() {
        Topic topic = newTopic(51);
        List<ProduceRequest.Entry> fifty = IntStream.range(0, 50)
                .mapToObj(p -> new ProduceRequest.Entry(p, record("v" + p)))
                .toList();
        List<ProduceRequest.Entry> fiftyOne = IntStream.range(0, 51)
                .mapToObj(p -> new ProduceRequest.Entry(p, record("v" + p)))
                .toList();

        List<RecordOffset> acks = await(eddy.produce().produce(name(topic), atomic(fifty)));
        EddyException e = catchThrowableOfType(
                EddyException.class, () -> await(eddy.produce().produce(name(topic), atomic(fiftyOne))));

        assertThat(acks).hasSize(50);
        assertThat(commits).as("transactions").hasSize(1);
        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PARTITIONS);
        assertThat(e.details()).containsEntry("items", 102);
    }

    /**
     * An atomic request in one flush with a request on the same partitions (as group commit could hand it over):
     * merged, the two would need more than 100 items and be split; the atomic one gets a transaction of its own.
     */
    @Test
    void anAtomicRequestFlushedWithOthersIsCommittedInATransactionOfItsOwn() {
        Topic topic = newTopic(26);
        AppendRequest atomic = new AppendRequest(runs(topic, producers(22), spread(26, 18)), Acks.LEADER, true);
        AppendRequest other = new AppendRequest(runs(topic, producers(26), spread(26, 26)), Acks.LEADER, false);
        FlushExecutor.Pending a = new FlushExecutor.Pending(atomic);
        FlushExecutor.Pending o = new FlushExecutor.Pending(other);

        await(eddy.flushes().flush(List.of(a, o)));

        assertThat(a.result().join()).hasSize(26);
        assertThat(o.result().join()).hasSize(26);
        List<Long> bases = a.result().join();
        List<Set<Integer>> onlyTheAtomicRuns = commits.stream()
                .filter(c -> c.partitions().stream()
                        .allMatch(p -> p.entry().baseOffset() == bases.get(p.partition())
                                && p.entry().lastOffset() == p.entry().baseOffset()))
                .map(c -> c.partitions().stream()
                        .map(CommitBatch.PartitionCommit::partition)
                        .collect(Collectors.toSet()))
                .toList();
        assertThat(onlyTheAtomicRuns)
                .as("the partitions of each transaction that commits the atomic request's runs alone")
                .containsExactly(IntStream.range(0, 26).boxed().collect(Collectors.toSet()));
    }

    // --- requests -------------------------------------------------------------------------------------------

    /** Which producer writes each of {@code partitions} partitions: the first {@code singles} have one each. */
    private static int[] spread(int partitions, int singles) {
        int[] owner = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            owner[p] = p < singles ? p : singles + (p - singles) / 2;
        }
        return owner;
    }

    private static List<ProducerRegistry.Registration> producers(int n) {
        List<ProducerRegistry.Registration> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(await(eddy.producers().register("p")));
        }
        return out;
    }

    private static List<ValidatedBatch> batches(List<ProducerRegistry.Registration> producers, int[] owner) {
        assertThat(IntStream.of(owner).max().orElseThrow() + 1)
                .as("every producer writes")
                .isEqualTo(producers.size());
        List<ValidatedBatch> out = new ArrayList<>();
        for (int p = 0; p < owner.length; p++) {
            ProducerRegistry.Registration r = producers.get(owner[p]);
            out.add(new ValidatedBatch(
                    p, batch(r, "p" + p), 1, T0, r.producerId(), r.epoch(), 0, BatchCompression.NONE));
        }
        return out;
    }

    private static List<PartitionRun> runs(Topic topic, List<ProducerRegistry.Registration> producers, int[] owner) {
        List<PartitionRun> out = new ArrayList<>();
        for (int p = 0; p < owner.length; p++) {
            ProducerRegistry.Registration r = producers.get(owner[p]);
            out.add(new PartitionRun(
                    topic, p, List.of(batch(r, "p" + p)), 1, T0, ProducerBatch.of(r.producerId(), r.epoch(), 0, 1)));
        }
        return out;
    }

    private static ByteBuffer batch(ProducerRegistry.Registration r, String value) {
        return RecordBatches.encode(List.of(record(value)), 0, Compression.NONE, r.producerId(), r.epoch(), 0);
    }

    private static Record record(String value) {
        return new Record(-1, T0, null, value.getBytes(StandardCharsets.UTF_8), List.of());
    }

    private static ProduceRequest atomic(List<ProduceRequest.Entry> entries) {
        return new ProduceRequest(entries, true, Acks.LEADER, Compression.NONE, null);
    }

    // --- checks ---------------------------------------------------------------------------------------------

    /** The transaction's items as DynamoMetadataStore writes them. */
    private static int items(CommitBatch c) {
        return c.partitions().stream().mapToInt(p -> 2 + p.producers().size()).sum()
                + c.producerEpochs().size();
    }

    private static void assertNothingStored(Topic topic) {
        Map<Integer, PartitionHead> heads = await(eddy.metadata()
                .heads(
                        topic.id(),
                        IntStream.range(0, topic.partitions()).boxed().toList()));
        assertThat(heads.values())
                .as("no partition was written")
                .allSatisfy(h -> assertThat(h.exists()).isFalse());
    }

    private static Topic newTopic(int partitions) {
        return await(eddy.topics().create("atomic-" + UUID.randomUUID(), partitions, Map.of()));
    }

    private static String name(Topic topic) {
        return topic.name().value();
    }

    /** Remembers every transaction the write path commits. */
    private static final class CommitsSeen extends ForwardingMetadataStore {
        CommitsSeen(MetadataStore delegate) {
            super(delegate);
        }

        @Override
        public Uni<MetadataStore.Committed> commit(CommitBatch batch) {
            return delegate.commit(batch).invoke(() -> commits.add(batch));
        }
    }
}
