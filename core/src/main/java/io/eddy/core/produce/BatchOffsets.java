package io.eddy.core.produce;

/** The offsets a binary produce's batch got (or had already got, for a retried idempotent batch). */
public record BatchOffsets(int partition, long baseOffset, long lastOffset) {}
