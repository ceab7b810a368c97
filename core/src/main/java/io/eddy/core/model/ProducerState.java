package io.eddy.core.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What a partition remembers of one idempotent producer: its epoch and its last batches, newest last, so a
 * retried batch is recognised and answered with its original offsets (Kafka keeps five; so does Eddy).
 *
 * @param producerId  the producer
 * @param epoch       the newest epoch seen on this partition
 * @param batches     the last at most {@link #MAX_BATCHES} batches written, oldest first
 * @param lastWriteMs when a batch was last written (the state expires after an idle time)
 * @param version     the stored version, 0 for a state never stored; every write is conditioned on it
 */
public record ProducerState(long producerId, short epoch, List<BatchMetadata> batches, long lastWriteMs, long version) {
    public static final int MAX_BATCHES = 5;

    public ProducerState {
        if (producerId < 0 || epoch < 0 || version < 0) {
            throw new IllegalArgumentException("bad producer state " + producerId + "/" + epoch + " v" + version);
        }
        if (batches.size() > MAX_BATCHES) {
            throw new IllegalArgumentException("a producer state keeps at most " + MAX_BATCHES + " batches");
        }
        batches = List.copyOf(batches);
    }

    /** A producer never seen on this partition (or whose state expired); {@code version} is the stored one. */
    public static ProducerState fresh(long producerId, short epoch, long version) {
        return new ProducerState(producerId, epoch, List.of(), 0, version);
    }

    /** The last sequence written in this epoch, or -1 when none. */
    public int lastSequence() {
        return batches.isEmpty() ? -1 : batches.get(batches.size() - 1).lastSequence();
    }

    /** This state after {@code batch} was written at {@code nowMs}, keeping the newest five batches. */
    public ProducerState append(short batchEpoch, BatchMetadata batch, long nowMs) {
        List<BatchMetadata> kept = new ArrayList<>(batchEpoch == epoch ? batches : List.of());
        kept.add(batch);
        while (kept.size() > MAX_BATCHES) {
            kept.remove(0);
        }
        return new ProducerState(producerId, batchEpoch, kept, nowMs, version + 1);
    }

    /**
     * One written batch (or run of batches) of a producer on a partition.
     *
     * @param firstSequence its first record's sequence
     * @param lastSequence  its last record's sequence
     * @param baseOffset    the offset its first record got
     */
    public record BatchMetadata(int firstSequence, int lastSequence, long baseOffset) {
        public BatchMetadata {
            if (firstSequence < 0 || lastSequence < 0 || baseOffset < 0) {
                throw new IllegalArgumentException("bad batch metadata");
            }
        }
    }
}
