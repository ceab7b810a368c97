package io.eddy.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.client.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecordAccumulatorTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final long LINGER_NS = Duration.ofMillis(5).toNanos();

    private final RecordAccumulator accumulator = new RecordAccumulator(100, Duration.ofMillis(5), 1_000);

    private static int sealAsItsBytes(ProducerBatch b) {
        return b.bytes();
    }

    static Stream<Arguments> readiness() {
        return Stream.of(
                // batches queued in the partition, bytes of the first, urgent, age in ns, ready
                Arguments.of(1, 10, false, 0L, false), // young and small: lingers
                Arguments.of(1, 10, false, LINGER_NS - 1, false),
                Arguments.of(1, 10, false, LINGER_NS, true), // lingered long enough
                Arguments.of(1, 100, false, 0L, true), // full
                Arguments.of(1, 250, false, 0L, true), // one record larger than batch.size
                Arguments.of(2, 10, false, 0L, true), // another batch behind it
                Arguments.of(1, 10, true, 0L, true)); // flushing or closing
    }

    @ParameterizedTest
    @MethodSource("readiness")
    void aBatchIsReadyWhenFullFollowedLingeredOrUrgent(
            int queued, int bytes, boolean urgent, long ageNs, boolean ready) {
        ProducerBatch first = new ProducerBatch(P0, 1_000);
        first.add(Batches.record(bytes));
        assertThat(accumulator.ready(first, queued, 1_000 + ageNs, urgent)).isEqualTo(ready);
    }

    @Test
    void recordsJoinTheOpenBatchUntilTheNextWouldNotFit() {
        // when
        var first = accumulator.append(P0, Batches.record(40), 0);
        var second = accumulator.append(P0, Batches.record(40), 0);
        var third = accumulator.append(P0, Batches.record(40), 0);
        // then
        assertThat(first).isEqualTo(new RecordAccumulator.Appended(false, true)); // a new batch: a new linger
        assertThat(second).isEqualTo(new RecordAccumulator.Appended(false, false)); // joins, nothing new
        assertThat(third).isEqualTo(new RecordAccumulator.Appended(false, true)); // a second batch: a backlog
        List<ProducerBatch> drained = accumulator.drain(0, true, tp -> false, RecordAccumulatorTest::sealAsItsBytes);
        assertThat(drained).extracting(ProducerBatch::recordCount).containsExactly(2, 1);
    }

    @Test
    void aRecordThatFillsTheBatchSaysSoAndARecordLargerThanBatchSizeGetsABatchOfItsOwn() {
        assertThat(accumulator.append(P0, Batches.record(100), 0).batchFull()).isTrue();
        assertThat(accumulator.append(P1, Batches.record(250), 0))
                .isEqualTo(new RecordAccumulator.Appended(true, true));
        List<ProducerBatch> drained = accumulator.drain(0, false, tp -> false, RecordAccumulatorTest::sealAsItsBytes);
        assertThat(drained).extracting(ProducerBatch::bytes).containsExactly(100, 250);
        assertThat(accumulator.isEmpty()).isTrue();
    }

    @Test
    void aLingeringPartitionStaysQueuedUntilItsDeadline() {
        accumulator.append(P0, Batches.record(10), 1_000);

        assertThat(accumulator.drain(1_000 + LINGER_NS - 1, false, tp -> false, RecordAccumulatorTest::sealAsItsBytes))
                .isEmpty();
        assertThat(accumulator.nanosUntilLingerEnds(1_000, tp -> false)).isEqualTo(LINGER_NS);
        assertThat(accumulator.drain(1_000 + LINGER_NS, false, tp -> false, RecordAccumulatorTest::sealAsItsBytes))
                .hasSize(1);
        assertThat(accumulator.isEmpty()).isTrue();
    }

    @Test
    void aBusyPartitionIsNeitherDrainedNorWaitedFor() {
        accumulator.append(P0, Batches.record(100), 0);
        accumulator.append(P1, Batches.record(100), 0);

        List<ProducerBatch> drained =
                accumulator.drain(0, true, Set.of(P0)::contains, RecordAccumulatorTest::sealAsItsBytes);

        assertThat(drained).extracting(ProducerBatch::partition).containsExactly(P1);
        assertThat(accumulator.nanosUntilLingerEnds(0, Set.of(P0)::contains)).isEqualTo(Long.MAX_VALUE);
        assertThat(accumulator.isEmpty()).isFalse();
    }

    @Test
    void aBacklogDrainsInOneGoUpToMaxRequestSizeButAlwaysAtLeastOneBatch() {
        var small = new RecordAccumulator(100, Duration.ofMillis(5), 250);
        for (int i = 0; i < 5; i++) {
            small.append(P0, Batches.record(100), 0);
        }
        small.append(P1, Batches.record(400), 0);

        List<ProducerBatch> drained = small.drain(0, false, tp -> false, RecordAccumulatorTest::sealAsItsBytes);

        // P0: 100 + 100 fit in 250, a third would not; P1: one batch over the limit still goes
        assertThat(drained).extracting(ProducerBatch::partition).containsExactly(P0, P0, P1);
        assertThat(small.drain(0, false, tp -> false, RecordAccumulatorTest::sealAsItsBytes))
                .hasSize(2);
        assertThat(small.drain(0, false, tp -> false, RecordAccumulatorTest::sealAsItsBytes))
                .hasSize(1);
        assertThat(small.isEmpty()).isTrue();
    }

    @Test
    void theLastBatchOfABacklogStillWaitsForItsLinger() {
        accumulator.append(P0, Batches.record(60), 0);
        accumulator.append(P0, Batches.record(60), 0);

        assertThat(accumulator.drain(0, false, tp -> false, RecordAccumulatorTest::sealAsItsBytes))
                .hasSize(1);
        assertThat(accumulator.drain(0, false, tp -> false, RecordAccumulatorTest::sealAsItsBytes))
                .isEmpty();
    }

    @Test
    void removeAllEmptiesEveryPartition() {
        accumulator.append(P0, Batches.record(10), 0);
        accumulator.append(P1, Batches.record(10), 0);

        assertThat(accumulator.removeAll()).extracting(ProducerBatch::partition).containsExactly(P0, P1);
        assertThat(accumulator.isEmpty()).isTrue();
    }

    @Property
    void urgentDrainsGiveBackEveryRecordInOrderInBatchesWithinBatchSizeOrOfOneRecord(
            @ForAll @Size(max = 60) List<@IntRange(min = 1, max = 300) Integer> sizes) {
        var acc = new RecordAccumulator(100, Duration.ofMillis(5), 1_000);
        List<Long> appended = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            appended.add((long) i);
            acc.append(P0, Batches.record(sizes.get(i), i), 0);
        }
        List<Long> drained = new ArrayList<>();
        while (!acc.isEmpty()) {
            for (ProducerBatch b : acc.drain(0, true, tp -> false, RecordAccumulatorTest::sealAsItsBytes)) {
                assertThat(b.bytes() <= 100 || b.recordCount() == 1).isTrue();
                b.entries().forEach(e -> drained.add(e.timestamp()));
            }
        }
        assertThat(drained).isEqualTo(appended);
    }
}
