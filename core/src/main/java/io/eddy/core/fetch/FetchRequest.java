package io.eddy.core.fetch;

import java.time.Duration;

/**
 * A read of one partition from {@code offset}: at most {@code maxRecords} records and about {@code maxBytes}
 * bytes (at least one record is always returned when one is available, as Kafka does). At the high watermark
 * it waits up to {@code maxWait} for a record to arrive.
 */
public record FetchRequest(String topic, int partition, long offset, int maxRecords, int maxBytes, Duration maxWait) {
    public static final int DEFAULT_MAX_RECORDS = 500;
    public static final int MAX_MAX_RECORDS = 10_000;
    public static final int DEFAULT_MAX_BYTES = 1 << 20;
    public static final int MAX_MAX_BYTES = 8 << 20;
    public static final Duration MAX_WAIT = Duration.ofSeconds(20);

    public FetchRequest {
        if (offset < 0 || maxRecords < 1 || maxBytes < 1 || maxWait.isNegative() || maxWait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("bad fetch request");
        }
    }
}
