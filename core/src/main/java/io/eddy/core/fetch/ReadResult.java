package io.eddy.core.fetch;

/**
 * What one read of one partition gave: records decoded ({@link FetchResult}) or stored batches
 * ({@link BatchFetchResult}), the offset to read next, and the partition's bounds at the time of the read.
 */
public sealed interface ReadResult permits FetchResult, BatchFetchResult {
    long nextOffset();

    long highWatermark();

    long logStartOffset();

    /** Bytes read, as {@code max_bytes} counts them. */
    long bytes();
}
