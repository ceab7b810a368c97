package io.eddy.core.produce;

/**
 * The idempotence fields of a request's records for one partition: Kafka's (producer id, epoch, base
 * sequence), with the sequence of the last record. Sequences wrap from {@link Integer#MAX_VALUE} to 0.
 */
public record ProducerBatch(long producerId, short epoch, int firstSequence, int lastSequence) {
    public ProducerBatch {
        if (producerId < 0 || epoch < 0 || firstSequence < 0 || lastSequence < 0) {
            throw new IllegalArgumentException("bad producer fields " + producerId + "/" + epoch + "/" + firstSequence);
        }
    }

    /** The batch of {@code records} records starting at {@code firstSequence}. */
    public static ProducerBatch of(long producerId, short epoch, int firstSequence, int records) {
        return new ProducerBatch(producerId, epoch, firstSequence, Sequencing.advance(firstSequence, records - 1));
    }
}
