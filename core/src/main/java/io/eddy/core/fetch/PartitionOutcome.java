package io.eddy.core.fetch;

import io.eddy.core.error.EddyException;

/** What one partition of a multi-partition fetch gave: records, or the error it alone failed with. */
public record PartitionOutcome(PartitionFetch fetch, FetchResult result, EddyException error) {
    public PartitionOutcome {
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("an outcome is a result or an error");
        }
    }

    public static PartitionOutcome of(PartitionFetch fetch, FetchResult result) {
        return new PartitionOutcome(fetch, result, null);
    }

    public static PartitionOutcome failed(PartitionFetch fetch, EddyException error) {
        return new PartitionOutcome(fetch, null, error);
    }

    /** Bytes of the records read (as {@code max_bytes} counts them). */
    public long bytes() {
        return result == null
                ? 0
                : result.records().stream().mapToLong(r -> r.sizeInBytes()).sum();
    }
}
