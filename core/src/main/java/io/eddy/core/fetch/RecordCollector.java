package io.eddy.core.fetch;

import io.eddy.core.format.RecordBatches;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates decoded records up to the request's limits: {@code maxRecords}, {@code maxBytes} (the first record
 * comes even when larger, if {@code atLeastOne}) and the high watermark. Pure; not thread-safe: one fetch.
 */
final class RecordCollector extends ChunkSink {
    final List<Record> records = new ArrayList<>();
    final boolean atLeastOne;

    RecordCollector(FetchRequest request, long highWatermark, boolean atLeastOne) {
        super(request, highWatermark);
        this.atLeastOne = atLeastOne;
    }

    @Override
    boolean full() {
        return records.size() >= request.maxRecords() || bytes >= request.maxBytes() || nextOffset >= highWatermark;
    }

    @Override
    void accept(IndexEntry entry, ByteBuffer chunk) {
        for (Record r : RecordBatches.decode(chunk, entry.baseOffset(), nextOffset, highWatermark - 1)) {
            if (full() || ((!records.isEmpty() || !atLeastOne) && bytes + r.sizeInBytes() > request.maxBytes())) {
                bytes = Math.max(bytes, request.maxBytes());
                return;
            }
            records.add(r);
            bytes += r.sizeInBytes();
            nextOffset = r.offset() + 1;
        }
    }

    /** What was read, with the partition's bounds from {@code head}, the one the read started with. */
    FetchResult result(PartitionHead head) {
        return new FetchResult(records, nextOffset, head.nextOffset(), head.logStartOffset());
    }
}
