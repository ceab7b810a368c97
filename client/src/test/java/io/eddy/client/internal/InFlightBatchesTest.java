package io.eddy.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.client.TopicPartition;
import java.util.List;
import org.junit.jupiter.api.Test;

class InFlightBatchesTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final InFlightBatches inFlight = new InFlightBatches();

    @Test
    void aPartitionIsBusyFromClaimUntilFreed() {
        inFlight.claim(List.of(Batches.sealed(P0, 10, 0), Batches.sealed(P0, 10, 0)));

        assertThat(inFlight.isBusy(P0)).isTrue();
        assertThat(inFlight.isBusy(P1)).isFalse();
        inFlight.free(P0);
        assertThat(inFlight.isBusy(P0)).isFalse();
        assertThat(inFlight.isEmpty()).isTrue();
    }

    @Test
    void aPartitionWaitingForItsRetryStaysBusyAndComesBackWholeWhenDue() {
        ProducerBatch first = Batches.sealed(P0, 10, 0);
        ProducerBatch second = Batches.sealed(P0, 10, 0);
        inFlight.claim(List.of(first, second));

        inFlight.retryAt(P0, List.of(first, second), 500);

        assertThat(inFlight.isBusy(P0)).isTrue();
        assertThat(inFlight.hasRetries()).isTrue();
        assertThat(inFlight.nanosUntilRetry(100)).isEqualTo(400);
        assertThat(inFlight.dueRetries(499)).isEmpty();
        assertThat(inFlight.dueRetries(500)).containsExactly(first, second);
        assertThat(inFlight.hasRetries()).isFalse();
        assertThat(inFlight.nanosUntilRetry(500)).isEqualTo(Long.MAX_VALUE);
        assertThat(inFlight.isBusy(P0)).isTrue();
    }

    @Test
    void anAnswerIsTakenOnce() {
        List<ProducerBatch> batches = List.of(Batches.sealed(P0, 10, 0));
        inFlight.posted(batches);

        assertThat(inFlight.answered(batches)).isTrue();
        assertThat(inFlight.answered(batches)).isFalse();
    }

    @Test
    void abandoningForgetsRetriesAndPostedBatchesSoTheirLateAnswersAreIgnored() {
        ProducerBatch waiting = Batches.sealed(P0, 10, 0);
        ProducerBatch posted = Batches.sealed(P1, 10, 0);
        inFlight.claim(List.of(waiting, posted));
        inFlight.retryAt(P0, List.of(waiting), 500);
        inFlight.posted(List.of(posted));

        assertThat(inFlight.abandonAll()).containsExactly(waiting, posted);

        assertThat(inFlight.answered(List.of(posted))).isFalse();
        assertThat(inFlight.isEmpty()).isTrue();
        assertThat(inFlight.hasRetries()).isFalse();
    }
}
