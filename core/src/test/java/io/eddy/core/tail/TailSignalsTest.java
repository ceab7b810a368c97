package io.eddy.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TailSignalsTest {
    private final TailSignals signals = new TailSignals();
    private final UUID topic = UUID.randomUUID();

    @Test
    void aWaiterEndedWithoutACommitIsDetachedWithoutAnException() {
        // given
        CompletableFuture<Void> waiter = signals.nextCommit(topic, 0);
        assertThat(signals.waiters(topic, 0)).isEqualTo(1);

        // when
        TailSignals.detach(waiter);

        // then
        assertThat(signals.waiters(topic, 0)).isZero();
        assertThat(waiter).isCompleted();
        assertThat(waiter.isCompletedExceptionally()).isFalse();
    }

    @Test
    void aCommitWakesTheWaitersOfItsPartitionOnly() {
        // given
        CompletableFuture<Void> first = signals.nextCommit(topic, 0);
        CompletableFuture<Void> other = signals.nextCommit(topic, 1);

        // when
        signals.committed(topic, 0);

        // then
        assertThat(first).isCompleted();
        assertThat(other).isNotDone();
        assertThat(signals.waiters(topic, 0)).isZero();
        assertThat(signals.waiters(topic, 1)).isEqualTo(1);
    }
}
