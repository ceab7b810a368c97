package io.eddy.core.fetch;

import io.eddy.core.format.BatchIterator;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates whole stored batches, each a view of its chunk beside its real base offset (entry base + offset in
 * the chunk; {@link ServedBatch}: the writer puts it in, the chunk is never written), up to the request's byte
 * limit (the first batch comes even when larger, if {@code atLeastOne}) and record limit (in whole batches).
 * Pure; not thread-safe: one fetch.
 */
final class BatchCollector extends ChunkSink {
    final List<ServedBatch> batches = new ArrayList<>();
    final boolean atLeastOne;
    long records;
    boolean limited;

    BatchCollector(FetchRequest request, long highWatermark, boolean atLeastOne) {
        super(request, highWatermark);
        this.atLeastOne = atLeastOne;
    }

    @Override
    boolean full() {
        return limited || nextOffset >= highWatermark;
    }

    /** @throws io.eddy.core.error.CorruptSegmentException a batch of the chunk is cut short or does not fit it */
    @Override
    void accept(IndexEntry entry, ByteBuffer chunk) {
        BatchIterator walk = BatchIterator.over(chunk);
        while (walk.hasNext() && !full()) {
            BatchIterator.Batch stored = walk.next();
            long base = entry.baseOffset() + stored.baseOffset();
            long last = base + stored.lastOffsetDelta();
            if (last >= nextOffset && base < highWatermark) {
                int size = stored.sizeInBytes();
                boolean first = batches.isEmpty();
                if ((!first && records >= request.maxRecords())
                        || ((!first || !atLeastOne) && bytes + size > request.maxBytes())) {
                    limited = true;
                    return;
                }
                batches.add(new ServedBatch(base, stored.slice()));
                bytes += size;
                records += last - base + 1;
                nextOffset = last + 1;
                limited = bytes >= request.maxBytes() || records >= request.maxRecords();
            }
        }
    }

    /** What was read, with the partition's bounds from {@code head}, the one the read started with. */
    BatchFetchResult result(PartitionHead head) {
        return new BatchFetchResult(batches, nextOffset, head.nextOffset(), head.logStartOffset());
    }
}
