package io.eddy.core.produce;

import io.eddy.core.model.Record;
import java.util.List;
import org.apache.kafka.common.compress.Compression;

/**
 * A validated JSON produce request.
 *
 * @param records     records in request order
 * @param atomic      all-or-nothing across partitions: one transaction, checked by {@link AppendRequest}
 * @param acks        when to acknowledge
 * @param compression how the server compresses the batches it builds
 * @param producer    idempotence fields, or null
 */
public record ProduceRequest(
        List<Entry> records, boolean atomic, Acks acks, Compression compression, ProducerFields producer) {
    public ProduceRequest {
        records = List.copyOf(records);
    }

    public ProduceRequest(List<Entry> records, boolean atomic) {
        this(records, atomic, Acks.LEADER, Compression.NONE, null);
    }

    /**
     * @param partition the partition asked for, or -1 to let the partitioner choose
     * @param record    the record; a timestamp of -1 means "now"
     */
    public record Entry(int partition, Record record) {}
}
