package io.eddy.core.fetch;

import io.eddy.core.model.Record;
import java.util.List;

/** Records read, the offset to read next, and the partition's bounds at the time of the read. */
public record FetchResult(List<Record> records, long nextOffset, long highWatermark, long logStartOffset)
        implements ReadResult {
    public FetchResult {
        records = List.copyOf(records);
    }

    @Override
    public long bytes() {
        return records.stream().mapToLong(Record::sizeInBytes).sum();
    }
}
