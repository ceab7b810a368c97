package io.eddy.kafka;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.RecordsSend;

/**
 * Record batches as core read them (Kafka v2 batches, base offsets patched, never decoded), to put in a response
 * message's records field: {@link KafkaCodec} writes them as they are, each buffer a part of the response frame,
 * without copying. Immutable once made (each buffer is duplicated on write, never moved); thread-safe.
 */
public final class StoredRecords implements BaseRecords {
    private final List<ByteBuffer> batches;
    private final int sizeInBytes;

    /** @param batches the batches in offset order; read from their positions to their limits */
    public StoredRecords(List<ByteBuffer> batches) {
        this.batches = List.copyOf(batches);
        long size = 0;
        for (ByteBuffer b : this.batches) {
            size += b.remaining();
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("record batches of " + size + " bytes do not fit one response");
        }
        this.sizeInBytes = (int) size;
    }

    /** The batches, each a view of its own (position and limit) over bytes shared with this value. */
    public List<ByteBuffer> buffers() {
        return batches.stream().map(ByteBuffer::asReadOnlyBuffer).toList();
    }

    @Override
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /** Not used: responses go out through {@link KafkaCodec}, not Kafka's network layer. */
    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("stored records are written by KafkaCodec");
    }

    @Override
    public String toString() {
        return "StoredRecords(" + batches.size() + " batches, " + sizeInBytes + " bytes)";
    }
}
