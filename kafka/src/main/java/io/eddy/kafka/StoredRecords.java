package io.eddy.kafka;

import io.eddy.core.fetch.ServedBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.RecordsSend;

/**
 * Record batches as core read them (Kafka v2 batches where they lie, each beside its real base offset, never
 * decoded), to put in a response message's records field: {@link KafkaCodec} writes each batch's real base offset
 * and then the rest of the batch as it is, each buffer a part of the response frame, without copying the batches.
 * Immutable once made (each buffer is a view of its own on write, never moved); thread-safe.
 */
public final class StoredRecords implements BaseRecords {
    private final List<ServedBatch> batches;
    private final int sizeInBytes;

    /** @param batches the batches in offset order */
    public StoredRecords(List<ServedBatch> batches) {
        this.batches = List.copyOf(batches);
        long size = 0;
        for (ServedBatch b : this.batches) {
            size += b.sizeInBytes();
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("record batches of " + size + " bytes do not fit one response");
        }
        this.sizeInBytes = (int) size;
    }

    /**
     * The bytes to write, in order: for each batch its real base offset (8 bytes, all of them views of one array
     * made here), then the rest of the batch, a view of its own over bytes shared with this value.
     */
    public List<ByteBuffer> buffers() {
        ByteBuffer bases = ByteBuffer.allocate(batches.size() * Long.BYTES);
        List<ByteBuffer> out = new ArrayList<>(batches.size() * 2);
        for (ServedBatch b : batches) {
            int at = bases.position();
            b.writeBaseOffset(bases);
            out.add(bases.slice(at, Long.BYTES));
            out.add(b.afterBaseOffset().asReadOnlyBuffer());
        }
        return out;
    }

    /** The records of all the batches, as their headers count them. */
    public long recordCount() {
        long n = 0;
        for (ServedBatch b : batches) {
            n += b.recordCount();
        }
        return n;
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
