package io.eddy.core.fetch;

/** One partition of a multi-partition fetch: read {@code topic}/{@code partition} from {@code offset}, about {@code maxBytes}. */
public record PartitionFetch(String topic, int partition, long offset, int maxBytes) {
    public PartitionFetch {
        if (topic == null || partition < 0 || offset < 0 || maxBytes < 1 || maxBytes > FetchRequest.MAX_MAX_BYTES) {
            throw new IllegalArgumentException("bad partition fetch " + topic + "/" + partition + "@" + offset);
        }
    }
}
