package io.eddy.core.produce;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.ProducerState;
import java.util.Map;

/**
 * Kafka's idempotent-producer rules as a pure function of a partition's stored producer state and an incoming
 * batch. Stateless and thread-safe.
 */
public final class Sequencing {
    private Sequencing() {}

    /** What to do with an incoming batch. */
    public sealed interface Decision permits Append, Duplicate, Reject {}

    /** Write it; {@code state} is the stored state to condition the write on. */
    public record Append(ProducerState state) implements Decision {}

    /** It was written before: answer with its original base offset, write nothing. */
    public record Duplicate(long baseOffset) implements Decision {}

    /** Refuse it. */
    public record Reject(EddyException error) implements Decision {}

    /**
     * @param stored      the partition's state for this producer, or a {@link ProducerState#fresh} one
     * @param batch       the incoming batch
     * @param nowMs       the current time
     * @param expiryMs    idle time after which a stored state is forgotten
     */
    public static Decision decide(ProducerState stored, ProducerBatch batch, long nowMs, long expiryMs) {
        ProducerState state = stored;
        if (!state.batches().isEmpty() && nowMs - state.lastWriteMs() > expiryMs) {
            state = ProducerState.fresh(stored.producerId(), stored.epoch(), stored.version());
        }
        if (batch.epoch() < state.epoch()) {
            return new Reject(new EddyException(
                    ErrorCode.PRODUCER_FENCED,
                    "producer " + batch.producerId() + " epoch " + batch.epoch() + " is fenced: epoch " + state.epoch()
                            + " has written since",
                    Map.of("producer_id", batch.producerId(), "epoch", batch.epoch(), "current_epoch", state.epoch())));
        }
        if (batch.epoch() > state.epoch() || state.batches().isEmpty()) {
            // a new epoch (or a producer new to this partition) starts at sequence 0, as in Kafka
            return batch.firstSequence() == 0 ? new Append(state) : outOfOrder(batch, 0);
        }
        for (ProducerState.BatchMetadata b : state.batches()) {
            if (b.firstSequence() == batch.firstSequence() && b.lastSequence() == batch.lastSequence()) {
                return new Duplicate(b.baseOffset());
            }
        }
        int expected = advance(state.lastSequence(), 1);
        return batch.firstSequence() == expected ? new Append(state) : outOfOrder(batch, expected);
    }

    private static Reject outOfOrder(ProducerBatch batch, int expected) {
        return new Reject(new EddyException(
                ErrorCode.OUT_OF_ORDER_SEQUENCE,
                "producer " + batch.producerId() + " sent sequence " + batch.firstSequence() + " where " + expected
                        + " was expected",
                Map.of("producer_id", batch.producerId(), "sequence", batch.firstSequence(), "expected", expected)));
    }

    /** {@code sequence + n}, wrapping past {@link Integer#MAX_VALUE} to 0 as Kafka does. */
    public static int advance(int sequence, int n) {
        long next = (long) sequence + n;
        return (int) (next % ((long) Integer.MAX_VALUE + 1));
    }
}
