package io.eddy.client;

/** Where a sent record was written: its topic, partition, offset (−1 with {@code acks=0}) and timestamp. */
public record RecordMetadata(String topic, int partition, long offset, long timestamp) {}
