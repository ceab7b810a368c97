package io.eddy.core.fetch;

import io.eddy.core.error.EddyException;

/**
 * What one partition of a multi-partition fetch gave: what was read ({@link FetchResult} records or
 * {@link BatchFetchResult} stored batches), or the error it alone failed with.
 */
public record PartitionOutcome<R extends ReadResult>(PartitionFetch fetch, R result, EddyException error) {
    public PartitionOutcome {
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("an outcome is a result or an error");
        }
    }

    public static <R extends ReadResult> PartitionOutcome<R> of(PartitionFetch fetch, R result) {
        return new PartitionOutcome<>(fetch, result, null);
    }

    public static <R extends ReadResult> PartitionOutcome<R> failed(PartitionFetch fetch, EddyException error) {
        return new PartitionOutcome<>(fetch, null, error);
    }

    /** Bytes read (as {@code max_bytes} counts them). */
    public long bytes() {
        return result == null ? 0 : result.bytes();
    }
}
