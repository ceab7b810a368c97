package io.eddy.core.produce;

/** Where an acknowledged record was written. */
public record RecordOffset(int partition, long offset, long timestamp) {}
