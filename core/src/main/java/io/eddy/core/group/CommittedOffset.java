package io.eddy.core.group;

/**
 * A group's committed position on a partition: the next offset to consume.
 *
 * @param metadata    the client's string (Kafka's offset metadata), possibly empty
 * @param memberEpoch the epoch of the member that committed it (-1 for an administrative reset)
 */
public record CommittedOffset(
        TopicPartition partition, long offset, String metadata, long memberEpoch, long committedAtMs) {
    public static final int MAX_METADATA_CHARS = 4096;

    public CommittedOffset {
        if (partition == null || offset < 0 || metadata == null || metadata.length() > MAX_METADATA_CHARS) {
            throw new IllegalArgumentException("bad committed offset " + offset + " for " + partition);
        }
    }
}
