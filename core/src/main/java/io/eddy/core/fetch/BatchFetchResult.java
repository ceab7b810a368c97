package io.eddy.core.fetch;

import java.util.List;

/**
 * Stored Kafka v2 record batches as read, each beside its real base offset ({@link ServedBatch}: written in on the
 * way out), never copied, decoded or re-encoded. The first batch may start before the requested offset (as in
 * Kafka, the client skips the records it did not ask for); {@code nextOffset} is one past the last batch's last
 * offset.
 */
public record BatchFetchResult(List<ServedBatch> batches, long nextOffset, long highWatermark, long logStartOffset)
        implements ReadResult {
    public BatchFetchResult {
        batches = List.copyOf(batches);
    }

    @Override
    public long bytes() {
        long n = 0;
        for (ServedBatch b : batches) {
            n += b.sizeInBytes();
        }
        return n;
    }
}
