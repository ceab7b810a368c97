package io.eddy.core.fetch;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;

/**
 * One read of one partition, once its head is known: records decoded ({@link RecordCollector}) or stored batches
 * ({@link BatchCollector}) through the {@link IndexWalk}. The high watermark and log start offset always come from
 * the head. Thread-safe.
 */
final class PartitionReader {
    private final MetadataStore metadata;
    private final IndexWalk walk;

    PartitionReader(MetadataStore metadata, IndexWalk walk) {
        this.metadata = metadata;
        this.walk = walk;
    }

    /** The partition's head as stored now. */
    Uni<PartitionHead> head(Topic topic, int partition) {
        return metadata.heads(topic.id(), List.of(partition)).map(h -> h.get(partition));
    }

    /** Refuses an offset outside [log start offset, high watermark] with {@link ErrorCode#OFFSET_OUT_OF_RANGE}. */
    static void checkRange(Topic topic, int partition, long offset, PartitionHead head) {
        if (offset < head.logStartOffset() || offset > head.nextOffset()) {
            throw new EddyException(
                    ErrorCode.OFFSET_OUT_OF_RANGE,
                    "offset " + offset + " is outside [" + head.logStartOffset() + ", " + head.nextOffset() + "] of "
                            + topic.name() + "/" + partition,
                    Map.of(
                            "offset",
                            offset,
                            "log_start_offset",
                            head.logStartOffset(),
                            "high_watermark",
                            head.nextOffset()));
        }
    }

    /**
     * Records from the request's offset, below the high watermark.
     *
     * @param atLeastOne whether the first record comes even when larger than {@code maxBytes}
     */
    Uni<FetchResult> read(Topic topic, FetchRequest request, PartitionHead head, boolean atLeastOne) {
        RecordCollector collector = new RecordCollector(request, head.nextOffset(), atLeastOne);
        return walk.readInto(topic, request.partition(), head, collector).map(ignored -> collector.result(head));
    }

    /**
     * Stored batches from the one holding the request's offset, below the high watermark.
     *
     * @param atLeastOne whether the first batch comes even when larger than {@code maxBytes}
     */
    Uni<BatchFetchResult> readBatches(Topic topic, FetchRequest request, PartitionHead head, boolean atLeastOne) {
        BatchCollector collector = new BatchCollector(request, head.nextOffset(), atLeastOne);
        return walk.readInto(topic, request.partition(), head, collector).map(ignored -> collector.result(head));
    }
}
