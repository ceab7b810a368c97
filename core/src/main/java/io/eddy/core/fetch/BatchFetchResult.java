package io.eddy.core.fetch;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Stored Kafka v2 record batches as read, each with its real base offset patched into its header, never decoded
 * and re-encoded. The first batch may start before the requested offset (as in Kafka, the client skips the
 * records it did not ask for); {@code nextOffset} is one past the last batch's last offset.
 */
public record BatchFetchResult(List<ByteBuffer> batches, long nextOffset, long highWatermark, long logStartOffset)
        implements ReadResult {
    public BatchFetchResult {
        batches = List.copyOf(batches);
    }

    @Override
    public long bytes() {
        long n = 0;
        for (ByteBuffer b : batches) {
            n += b.remaining();
        }
        return n;
    }
}
