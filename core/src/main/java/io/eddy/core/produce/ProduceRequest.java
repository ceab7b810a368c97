package io.eddy.core.produce;

import io.eddy.core.model.Record;
import java.util.List;

/**
 * A validated produce request.
 *
 * @param records records in request order
 * @param atomic  all-or-nothing across partitions (at most {@link io.eddy.core.storage.CommitBatch#MAX_PARTITIONS})
 */
public record ProduceRequest(List<Entry> records, boolean atomic) {
    public ProduceRequest {
        records = List.copyOf(records);
    }

    /**
     * @param partition the partition asked for, or -1 to let the partitioner choose
     * @param record    the record; a timestamp of -1 means "now"
     */
    public record Entry(int partition, Record record) {
    }
}
