package io.eddy.core.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.ProducerState;
import io.eddy.core.model.ProducerState.BatchMetadata;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kafka's idempotent-producer rules, as a pure function. */
class SequencingTest {
    private static final long NOW = 1_764_000_000_000L;
    private static final long EXPIRY = Duration.ofDays(7).toMillis();
    private static final long PID = 42;

    private static ProducerState state(short epoch, BatchMetadata... batches) {
        return new ProducerState(PID, epoch, List.of(batches), NOW - 1000, 3);
    }

    private static Sequencing.Decision decide(ProducerState state, int epoch, int first, int records) {
        return Sequencing.decide(state, ProducerBatch.of(PID, (short) epoch, first, records), NOW, EXPIRY);
    }

    @Test
    void aNewProducerStartsAtSequenceZero() {
        ProducerState fresh = ProducerState.fresh(PID, (short) 0, 0);

        assertThat(decide(fresh, 0, 0, 10)).isInstanceOf(Sequencing.Append.class);
        assertThat(decide(fresh, 0, 5, 10))
                .isInstanceOfSatisfying(
                        Sequencing.Reject.class,
                        r -> assertThat(r.error().code()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE));
    }

    @Test
    void theNextSequenceAppendsAndAGapIsRefused() {
        ProducerState s = state((short) 0, new BatchMetadata(0, 9, 100));

        assertThat(decide(s, 0, 10, 5)).isInstanceOf(Sequencing.Append.class);
        assertThat(decide(s, 0, 11, 5)).isInstanceOfSatisfying(Sequencing.Reject.class, r -> {
            assertThat(r.error().code()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
            assertThat(r.error().details()).containsEntry("expected", 10);
        });
    }

    @Test
    void aRetriedBatchAmongTheLastFiveGetsItsOriginalOffset() {
        ProducerState s = state(
                (short) 1,
                new BatchMetadata(0, 9, 100),
                new BatchMetadata(10, 19, 110),
                new BatchMetadata(20, 29, 130));

        assertThat(decide(s, 1, 10, 10)).isEqualTo(new Sequencing.Duplicate(110));
        assertThat(decide(s, 1, 20, 10)).isEqualTo(new Sequencing.Duplicate(130));
        // same first sequence, other length: not the same batch
        assertThat(decide(s, 1, 10, 3)).isInstanceOf(Sequencing.Reject.class);
    }

    @Test
    void onlyTheLastFiveBatchesAreKept() {
        ProducerState s = ProducerState.fresh(PID, (short) 0, 0);
        for (int i = 0; i < 7; i++) {
            s = s.append((short) 0, new BatchMetadata(i * 10, i * 10 + 9, i * 10L), NOW);
        }

        assertThat(s.batches()).hasSize(5).first().isEqualTo(new BatchMetadata(20, 29, 20));
        assertThat(decide(s, 0, 0, 10)).as("evicted: no longer recognised").isInstanceOf(Sequencing.Reject.class);
        assertThat(decide(s, 0, 20, 10)).isEqualTo(new Sequencing.Duplicate(20));
    }

    @Test
    void anOlderEpochIsFencedAndANewerOneRestartsAtZero() {
        ProducerState s = state((short) 3, new BatchMetadata(0, 9, 0));

        assertThat(decide(s, 2, 10, 1))
                .isInstanceOfSatisfying(
                        Sequencing.Reject.class,
                        r -> assertThat(r.error().code()).isEqualTo(ErrorCode.PRODUCER_FENCED));
        assertThat(decide(s, 4, 0, 1)).isInstanceOf(Sequencing.Append.class);
        assertThat(decide(s, 4, 10, 1))
                .isInstanceOfSatisfying(
                        Sequencing.Reject.class,
                        r -> assertThat(r.error().code()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE));
    }

    @Test
    void aNewEpochForgetsTheOldEpochsBatches() {
        ProducerState s =
                state((short) 0, new BatchMetadata(0, 9, 0)).append((short) 1, new BatchMetadata(0, 4, 10), NOW);

        assertThat(s.epoch()).isEqualTo((short) 1);
        assertThat(s.batches()).containsExactly(new BatchMetadata(0, 4, 10));
    }

    @Test
    void anIdleStateExpiresAndTheProducerStartsOver() {
        ProducerState idle =
                new ProducerState(PID, (short) 0, List.of(new BatchMetadata(0, 9, 0)), NOW - EXPIRY - 1, 5);

        assertThat(decide(idle, 0, 10, 1)).as("the gap check no longer applies").isInstanceOf(Sequencing.Reject.class);
        assertThat(decide(idle, 0, 0, 1))
                .isInstanceOfSatisfying(
                        Sequencing.Append.class,
                        a -> assertThat(a.state().version())
                                .as("still conditioned on the stored item")
                                .isEqualTo(5));
    }

    @Test
    void sequencesWrapAfterIntegerMax() {
        ProducerState s = state((short) 0, new BatchMetadata(Integer.MAX_VALUE - 9, Integer.MAX_VALUE, 0));

        assertThat(Sequencing.advance(Integer.MAX_VALUE, 1)).isZero();
        assertThat(ProducerBatch.of(PID, (short) 0, Integer.MAX_VALUE - 1, 4).lastSequence())
                .isEqualTo(1);
        assertThat(decide(s, 0, 0, 3)).isInstanceOf(Sequencing.Append.class);
    }
}
