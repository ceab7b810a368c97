package io.eddy.core.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.ChunkLocation;
import io.eddy.core.model.ProducerState;
import io.eddy.core.model.Topic;
import io.eddy.core.model.TopicConfig;
import io.eddy.core.model.TopicName;
import io.eddy.core.produce.CommitDecider.Appended;
import io.eddy.core.produce.CommitDecider.Decision;
import io.eddy.core.produce.CommitDecider.Head;
import io.eddy.core.produce.CommitDecider.Open;
import io.eddy.core.produce.CommitDecider.Reads;
import io.eddy.core.produce.CommitDecider.Refusal;
import io.eddy.core.produce.CommitDecider.Transaction;
import io.eddy.core.produce.lease.LeaderLeases.Key;
import io.eddy.core.produce.lease.LeaseState;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore.ProducerKey;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The commit protocol's decisions for a round of a flush, over values only. */
class CommitDeciderTest {
    static final long NOW = 1_764_000_000_000L;
    private static final Duration EXPIRY = Duration.ofDays(7);
    static final Topic TOPIC =
            new Topic(new TopicName("t"), UUID.randomUUID(), 200, TopicConfig.defaults("bucket"), Instant.EPOCH);
    static final long P = 42;
    static final short EPOCH = 3;

    private final CommitDecider decider = new CommitDecider(EXPIRY);

    // ---- refusals ----------------------------------------------------------------------------------------

    static Stream<Arguments> refusals() {
        ProducerState stored = state(EPOCH, 0, 4, 100);
        return Stream.of(
                Arguments.of(
                        "an unregistered producer",
                        fresh(EPOCH),
                        Map.of(),
                        batch(EPOCH, 0, 1),
                        ErrorCode.UNKNOWN_PRODUCER),
                Arguments.of(
                        "an epoch the registry has fenced",
                        fresh(EPOCH),
                        Map.of(P, (short) (EPOCH + 1)),
                        batch(EPOCH, 0, 1),
                        ErrorCode.PRODUCER_FENCED),
                Arguments.of(
                        "an epoch bumped by the producer itself, not starting at sequence 0",
                        state((short) (EPOCH - 1), 0, 4, 100),
                        Map.of(P, (short) (EPOCH - 1)),
                        batch(EPOCH, 5, 1),
                        ErrorCode.OUT_OF_ORDER_SEQUENCE),
                Arguments.of(
                        "an epoch older than the partition's state",
                        fresh((short) (EPOCH + 1)),
                        Map.of(P, EPOCH),
                        batch(EPOCH, 0, 1),
                        ErrorCode.PRODUCER_FENCED),
                Arguments.of(
                        "a new producer not starting at sequence 0",
                        fresh(EPOCH),
                        Map.of(P, EPOCH),
                        batch(EPOCH, 3, 1),
                        ErrorCode.OUT_OF_ORDER_SEQUENCE),
                Arguments.of(
                        "a gap after the stored sequence",
                        stored,
                        Map.of(P, EPOCH),
                        batch(EPOCH, 6, 1),
                        ErrorCode.OUT_OF_ORDER_SEQUENCE));
    }

    @ParameterizedTest(name = "{0} is refused: {4}")
    @MethodSource("refusals")
    void aRefusedBatchRefusesItsWholeRequestAndTheOthersAreDecidedWithoutIt(
            String what, ProducerState stored, Map<Long, Short> epochs, ProducerBatch pb, ErrorCode code) {
        // given: plain runs around a request whose second run is refused
        List<Open<String>> open = List.of(
                open("a", 0, run(0, 3)),
                open("b0", 1, run(0, 2)),
                open("b1", 1, run(1, 1, pb)),
                open("c", 2, run(0, 1)));
        Reads reads = reads(Map.of(0, head(10), 1, head(0)), Set.of(), Map.of(key(1, P), stored), epochs);

        // when
        Decision<String> d = decider.decide(open, reads, NOW);

        // then: b is refused by its run b1, and c follows a as if b had never been there
        assertThat(d.refused()).extracting(Refusal::ref).containsExactly("b1");
        assertThat(d.refused().get(0).reason().code()).isEqualTo(code);
        assertThat(bases(d)).containsExactly(Map.entry("a", 10L), Map.entry("c", 13L));
        assertThat(d.states()).isEmpty();
    }

    @Test
    void aRequestWithARunOnAFencedPartitionIsRefusedNotLeaderBeforeAnyOtherReason() {
        // given: partition 1's lease was lost; request a also carries an unregistered producer's batch
        List<Open<String>> open = List.of(
                open("a0", 0, run(0, 1, batch(EPOCH, 0, 1))), open("a1", 0, run(1, 1)), open("b", 1, run(0, 2)));
        Reads reads = reads(Map.of(0, head(5)), Set.of(new Key(TOPIC.id(), 1)), Map.of(), Map.of());

        Decision<String> d = decider.decide(open, reads, NOW);

        assertThat(d.refused()).extracting(Refusal::ref).containsExactly("a1");
        assertThat(d.refused().get(0).reason().code()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(d.refused().get(0).reason().details()).containsEntry("partition", 1);
        assertThat(bases(d)).containsExactly(Map.entry("b", 5L));
    }

    @Test
    void everyRequestRefusedInOneRoundIsReportedInTheOrderItWasRefused() {
        List<Open<String>> open = List.of(
                open("a", 0, run(0, 1, batch(EPOCH, 0, 1))),
                open("b", 1, run(0, 1)),
                open("c", 2, run(0, 1, batch(EPOCH, 7, 1))),
                open("d", 3, run(0, 1, new ProducerBatch(99, EPOCH, 0, 0))));
        Reads reads = reads(Map.of(0, head(0)), Set.of(), Map.of(key(0, P), fresh(EPOCH)), Map.of(P, EPOCH));

        Decision<String> d = decider.decide(open, reads, NOW);

        // a is appended at sequence 0, so c (sequence 7 where 1 is expected) is out of order; d is unregistered
        assertThat(d.refused())
                .extracting(r -> r.ref() + ":" + r.reason().code())
                .containsExactly("c:" + ErrorCode.OUT_OF_ORDER_SEQUENCE, "d:" + ErrorCode.UNKNOWN_PRODUCER);
        assertThat(bases(d)).containsExactly(Map.entry("a", 0L), Map.entry("b", 1L));
    }

    // ---- appends, duplicates, repeats --------------------------------------------------------------------

    @Test
    void runsOnOnePartitionGetContiguousOffsetsFromItsHeadInRequestOrder() {
        List<Open<String>> open = List.of(
                open("a0", 0, run(0, 3)), open("a1", 0, run(1, 4)),
                open("b0", 1, run(0, 2)), open("b1", 1, run(1, 1)));
        Reads reads = reads(Map.of(0, head(10), 1, head(0)), Set.of(), Map.of(), Map.of());

        Decision<String> d = decider.decide(open, reads, NOW);

        assertThat(bases(d))
                .containsExactly(Map.entry("a0", 10L), Map.entry("a1", 0L), Map.entry("b0", 13L), Map.entry("b1", 4L));
        assertThat(d.refused()).isEmpty();
        assertThat(d.duplicates()).isEmpty();
    }

    @Test
    void aRunOnAPartitionNeitherReadNorFencedIsLeftOpen() {
        List<Open<String>> open = List.of(open("a", 0, run(0, 1)), open("b", 1, run(1, 1)));
        Reads reads = reads(Map.of(1, head(0)), Set.of(), Map.of(), Map.of());

        Decision<String> d = decider.decide(open, reads, NOW);

        assertThat(bases(d)).containsExactly(Map.entry("b", 0L));
        assertThat(d.refused()).isEmpty();
    }

    @Test
    void aBatchStoredBeforeIsADuplicateAnsweredWithItsOriginalOffset() {
        List<Open<String>> open = List.of(open("a", 0, run(0, 5, batch(EPOCH, 0, 5))), open("b", 1, run(0, 1)));
        Reads reads =
                reads(Map.of(0, head(105)), Set.of(), Map.of(key(0, P), state(EPOCH, 0, 4, 100)), Map.of(P, EPOCH));

        Decision<String> d = decider.decide(open, reads, NOW);

        assertThat(d.duplicates()).containsExactly(Map.entry("a", 100L));
        assertThat(bases(d)).containsExactly(Map.entry("b", 105L));
        assertThat(d.states()).isEmpty();
    }

    @Test
    void aBatchRepeatedWithinTheFlushFollowsTheRunItRepeats() {
        List<Open<String>> open =
                List.of(open("a", 0, run(0, 2, batch(EPOCH, 0, 2))), open("b", 1, run(0, 2, batch(EPOCH, 0, 2))));
        Reads reads = reads(Map.of(0, head(0)), Set.of(), Map.of(key(0, P), fresh(EPOCH)), Map.of(P, EPOCH));

        Decision<String> d = decider.decide(open, reads, NOW);

        assertThat(bases(d)).containsExactly(Map.entry("a", 0L));
        assertThat(d.repeats()).containsExactly(Map.entry("b", "a"));
        assertThat(d.duplicates()).isEmpty();
    }

    @Test
    void consecutiveBatchesOfOneProducerInOneFlushAreAppendedInSequence() {
        List<Open<String>> open =
                List.of(open("a", 0, run(0, 2, batch(EPOCH, 5, 2))), open("b", 1, run(0, 3, batch(EPOCH, 7, 3))));
        Reads reads =
                reads(Map.of(0, head(105)), Set.of(), Map.of(key(0, P), state(EPOCH, 0, 4, 100)), Map.of(P, EPOCH));

        Decision<String> d = decider.decide(open, reads, NOW);

        assertThat(bases(d)).containsExactly(Map.entry("a", 105L), Map.entry("b", 107L));
        ProducerState after = d.states().get(key(0, P));
        assertThat(after.batches())
                .extracting(ProducerState.BatchMetadata::baseOffset)
                .containsExactly(100L, 105L, 107L);
        assertThat(after.lastSequence()).isEqualTo(9);
        assertThat(after.lastWriteMs()).isEqualTo(NOW);
    }

    @Test
    void anIdleProducersStateIsForgottenAndItsSequenceStartsOver() {
        ProducerState idle = new ProducerState(
                P, EPOCH, List.of(new ProducerState.BatchMetadata(0, 4, 100)), NOW - EXPIRY.toMillis() - 1, 7);
        List<Open<String>> open = List.of(open("a", 0, run(0, 1, batch(EPOCH, 0, 1))));
        Reads reads = reads(Map.of(0, head(105)), Set.of(), Map.of(key(0, P), idle), Map.of(P, EPOCH));

        Decision<String> d = decider.decide(open, reads, NOW);

        assertThat(bases(d)).containsExactly(Map.entry("a", 105L));
        assertThat(d.duplicates()).isEmpty();
        assertThat(d.states().get(key(0, P)).batches()).containsExactly(new ProducerState.BatchMetadata(0, 0, 105));
    }

    /**
     * Kafka's idempotent producer (KIP-360) bumps its epoch itself after a delivery timeout or a sequence error and
     * starts the new epoch at sequence 0, without asking the broker: the partition takes it, as Kafka's does, and
     * the old epoch is fenced there from then on.
     */
    @Test
    void anEpochTheProducerBumpedItselfIsTakenFromSequenceZero() {
        short old = (short) (EPOCH - 1);
        List<Open<String>> open = List.of(open("a", 0, run(0, 1, batch(EPOCH, 0, 1))));
        Reads reads = reads(Map.of(0, head(105)), Set.of(), Map.of(key(0, P), state(old, 0, 4, 100)), Map.of(P, old));

        Decision<String> d = decider.decide(open, reads, NOW);

        assertThat(d.refused()).isEmpty();
        assertThat(bases(d)).containsExactly(Map.entry("a", 105L));
        assertThat(d.states().get(key(0, P)).epoch()).isEqualTo(EPOCH);
    }

    // ---- transactions ------------------------------------------------------------------------------------

    @Test
    void aPartitionCommitMovesTheHeadPastOneEntryAndStoresEachProducerOneVersionUp() {
        // given: partition 0 under a lease, two batches of one producer; partition 1 never written, optimistic
        LeaseState.Held lease = new LeaseState.Held(7, NOW + 1_000, 105);
        List<Open<String>> open = List.of(
                open("a", 0, run(0, 2, batch(EPOCH, 5, 2))),
                open("b", 1, run(0, 3, batch(EPOCH, 7, 3))),
                open("c", 1, run(1, 4)));
        Reads reads = new Reads(
                Map.of(
                        new Key(TOPIC.id(), 0),
                        new Head(105, true, Optional.of(lease)),
                        new Key(TOPIC.id(), 1),
                        head(0)),
                Set.of(),
                Map.of(key(0, P), state(EPOCH, 0, 4, 100)),
                Map.of(P, EPOCH));
        Decision<String> d = decider.decide(open, reads, NOW);

        // when
        List<Transaction<String>> txs = decider.transactions(d, reads, segment(d), NOW + 5_000);

        // then
        assertThat(txs).hasSize(1);
        CommitBatch batch = txs.get(0).batch();
        assertThat(batch.producerEpochs()).containsExactly(Map.entry(P, EPOCH));
        CommitBatch.PartitionCommit p0 = batch.partitions().get(0);
        assertThat(p0.partition()).isZero();
        assertThat(p0.expectedNextOffset()).isEqualTo(105);
        assertThat(p0.headExists()).isTrue();
        assertThat(p0.lease()).isEqualTo(new CommitBatch.LeaseCondition(7, NOW + 5_000));
        assertThat(p0.entry().baseOffset()).isEqualTo(105);
        assertThat(p0.entry().lastOffset()).isEqualTo(109);
        assertThat(p0.entry().objectKey()).isEqualTo("segment");
        assertThat(p0.entry().buckets()).containsExactly("bucket");
        assertThat(p0.producers()).singleElement().satisfies(s -> {
            assertThat(s.version())
                    .as("one version up per commit, whatever it appended")
                    .isEqualTo(5);
            assertThat(s.lastSequence()).isEqualTo(9);
        });
        CommitBatch.PartitionCommit p1 = batch.partitions().get(1);
        assertThat(p1.headExists()).isFalse();
        assertThat(p1.lease()).isNull();
        assertThat(p1.entry().lastOffset()).isEqualTo(3);
        assertThat(txs.get(0).leases()).containsExactly(Map.entry(new Key(TOPIC.id(), 0), lease));
        assertThat(txs.get(0).bases()).containsOnly(Map.entry("a", 105L), Map.entry("b", 107L), Map.entry("c", 0L));
    }

    static Stream<Arguments> packings() {
        UnaryOperator<Integer> none = p -> -1;
        UnaryOperator<Integer> one = p -> 0;
        UnaryOperator<Integer> each = p -> p;
        return Stream.of(
                // 2 items per partition
                Arguments.of("50 plain partitions fill one transaction", 50, none, List.of(50)),
                Arguments.of("51 plain partitions take two", 51, none, List.of(50, 1)),
                // 3 items per partition and 1 epoch check, once per transaction
                Arguments.of("33 partitions of one producer fit with its epoch check", 33, one, List.of(33)),
                Arguments.of("the 34th starts a transaction that checks the producer again", 34, one, List.of(33, 1)),
                // 4 items per partition
                Arguments.of("25 partitions of a producer each fit", 25, each, List.of(25)),
                Arguments.of("26 partitions of a producer each take two", 26, each, List.of(25, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packings")
    void partitionCommitsArePackedInOrderIntoTransactionsOfAtMostOneHundredItems(
            String what, int partitions, UnaryOperator<Integer> producerOf, List<Integer> sizes) {
        List<Open<String>> open = new ArrayList<>();
        Map<ProducerKey, ProducerState> states = new HashMap<>();
        Map<Long, Short> epochs = new HashMap<>();
        Map<Integer, Head> heads = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            int producer = producerOf.apply(p);
            heads.put(p, head(p));
            if (producer < 0) {
                open.add(open("r" + p, 0, run(p, 1)));
            } else {
                open.add(open("r" + p, 0, run(p, 1, new ProducerBatch(producer, EPOCH, 0, 0))));
                states.put(new ProducerKey(TOPIC.id(), p, producer), ProducerState.fresh(producer, EPOCH, 0));
                epochs.put((long) producer, EPOCH);
            }
        }
        Reads reads = reads(heads, Set.of(), states, epochs);
        Decision<String> d = decider.decide(open, reads, NOW);

        List<Transaction<String>> txs = decider.transactions(d, reads, segment(d), 0);

        assertThat(txs).extracting(tx -> tx.batch().partitions().size()).containsExactlyElementsOf(sizes);
        assertThat(txs)
                .flatExtracting(tx -> tx.batch().partitions())
                .extracting(CommitBatch.PartitionCommit::partition)
                .containsExactlyElementsOf(
                        IntStream.range(0, partitions).boxed().toList());
        for (Transaction<String> tx : txs) {
            assertThat(tx.bases().keySet())
                    .containsExactlyElementsOf(tx.batch().partitions().stream()
                            .map(c -> "r" + c.partition())
                            .toList());
            Set<Long> named = new LinkedHashSet<>();
            tx.batch().partitions().forEach(c -> c.producers().forEach(s -> named.add(s.producerId())));
            assertThat(tx.batch().producerEpochs().keySet()).isEqualTo(named);
        }
    }

    // ---- values ------------------------------------------------------------------------------------------

    static Open<String> open(String ref, int request, PartitionRun run) {
        return new Open<>(ref, request, run);
    }

    static PartitionRun run(int partition, int records) {
        return run(partition, records, null);
    }

    static PartitionRun run(int partition, int records, ProducerBatch producer) {
        return new PartitionRun(TOPIC, partition, List.of(ByteBuffer.allocate(8)), records, NOW, producer);
    }

    static ProducerBatch batch(short epoch, int firstSequence, int records) {
        return ProducerBatch.of(P, epoch, firstSequence, records);
    }

    static ProducerState fresh(short epoch) {
        return ProducerState.fresh(P, epoch, 0);
    }

    /** A state at version 4 whose last batch holds sequences {@code first..last} at {@code base}. */
    static ProducerState state(short epoch, int first, int last, long base) {
        return new ProducerState(P, epoch, List.of(new ProducerState.BatchMetadata(first, last, base)), NOW - 1, 4);
    }

    static ProducerKey key(int partition, long producer) {
        return new ProducerKey(TOPIC.id(), partition, producer);
    }

    private static Head head(long next) {
        return new Head(next, next > 0, Optional.empty());
    }

    static Reads reads(
            Map<Integer, Head> heads,
            Set<Key> fenced,
            Map<ProducerKey, ProducerState> states,
            Map<Long, Short> epochs) {
        Map<Key, Head> byKey = new HashMap<>();
        heads.forEach((p, h) -> byKey.put(new Key(TOPIC.id(), p), h));
        return new Reads(byKey, fenced, states, epochs);
    }

    static Map<String, Long> bases(Decision<String> d) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Appended<String> a : d.appended()) {
            out.put(a.ref(), a.base());
        }
        return out;
    }

    /** The segment of a decision's appended runs: one chunk per partition, laid end to end. */
    static WrittenSegment segment(Decision<String> d) {
        Map<Key, Integer> records = new LinkedHashMap<>();
        d.appended().forEach(a -> records.merge(a.key(), a.run().records(), Integer::sum));
        Map<Key, ChunkLocation> chunks = new HashMap<>();
        long position = 0;
        for (Map.Entry<Key, Integer> e : records.entrySet()) {
            chunks.put(
                    e.getKey(),
                    new ChunkLocation(e.getKey().topicId(), e.getKey().partition(), position, 8, e.getValue(), NOW, 0));
            position += 8;
        }
        return new WrittenSegment("segment", chunks, List.of("bucket"));
    }
}
