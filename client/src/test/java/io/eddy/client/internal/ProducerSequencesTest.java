package io.eddy.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.client.TopicPartition;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProducerSequencesTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final ProducerSequences sequences = new ProducerSequences();

    @Test
    void aProducerIsRegisteredOnceItHasAnId() {
        assertThat(sequences.registered()).isFalse();
        sequences.registered(7, (short) 3);
        assertThat(sequences.registered()).isTrue();
        assertThat(sequences.producerId()).isEqualTo(7);
        assertThat(sequences.epoch()).isEqualTo((short) 3);
    }

    @Test
    void eachPartitionCountsItsOwnSequences() {
        assertThat(sequences.assign(P0, 3)).isZero();
        assertThat(sequences.assign(P0, 2)).isEqualTo(3);
        assertThat(sequences.assign(P1, 1)).isZero();
        assertThat(sequences.nextSequence(P0)).isEqualTo(5);
    }

    @Property
    void sequencesWrapAroundAtTwoToTheThirtyOne(
            @ForAll @IntRange(min = 1, max = 1_000) int count,
            @ForAll @IntRange(min = 0, max = 2_000) int beforeTheEnd) {
        var book = new ProducerSequences();
        int start = Integer.MAX_VALUE - beforeTheEnd;
        book.assign(P0, start);
        assertThat(book.assign(P0, count)).isEqualTo(start);
        assertThat(book.nextSequence(P0)).isEqualTo((int) ((start + (long) count) % (1L << 31)));
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                // code, retryable, effect, bump wanted, next sequence of the partition afterwards
                Arguments.of("producer_fenced", false, ProducerSequences.Effect.FENCED, false, 8),
                Arguments.of("storage_unavailable", true, ProducerSequences.Effect.BUMP_EPOCH, true, 8),
                Arguments.of("timeout", true, ProducerSequences.Effect.BUMP_EPOCH, true, 8),
                Arguments.of("out_of_order_sequence", false, ProducerSequences.Effect.BUMP_EPOCH, true, 8),
                Arguments.of("unknown_producer", false, ProducerSequences.Effect.BUMP_EPOCH, true, 8),
                Arguments.of("invalid_producer", false, ProducerSequences.Effect.BUMP_EPOCH, true, 8),
                Arguments.of("record_too_large", false, ProducerSequences.Effect.REWOUND, false, 5));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void aBatchsFinalFailureFencesBumpsOrRewinds(
            String code, boolean retryable, ProducerSequences.Effect effect, boolean bumpWanted, int next) {
        sequences.assign(P0, 5);
        int base = sequences.assign(P0, 3);

        assertThat(sequences.failed(P0, base, code, retryable)).isEqualTo(effect);

        assertThat(sequences.bumpWanted()).isEqualTo(bumpWanted);
        assertThat(sequences.nextSequence(P0)).isEqualTo(next);
    }

    @Test
    void aRefusedBatchWithoutASequenceChangesNothing() {
        sequences.assign(P0, 5);
        assertThat(sequences.failed(P0, -1, "record_too_large", false)).isEqualTo(ProducerSequences.Effect.NONE);
        assertThat(sequences.nextSequence(P0)).isEqualTo(5);
    }

    @Test
    void aBumpedEpochRestartsEveryPartitionAtZero() {
        sequences.registered(7, (short) 0);
        sequences.assign(P0, 5);
        sequences.assign(P1, 2);
        sequences.failed(P0, 0, "out_of_order_sequence", false);

        sequences.bumped((short) 1);

        assertThat(sequences.bumpWanted()).isFalse();
        assertThat(sequences.epoch()).isEqualTo((short) 1);
        assertThat(sequences.nextSequence(P0)).isZero();
        assertThat(sequences.nextSequence(P1)).isZero();
    }

    @Test
    void anAbandonedBumpIsNoLongerWantedAndKeepsTheEpoch() {
        sequences.registered(7, (short) 4);
        sequences.failed(P0, 0, "timeout", true);

        sequences.bumpAbandoned();

        assertThat(sequences.bumpWanted()).isFalse();
        assertThat(sequences.epoch()).isEqualTo((short) 4);
    }
}
