package io.eddy.core.compact;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What a compaction run did, counted as it goes. Thread-safe. */
public final class CompactionReport {
    final LongAdder partitions = new LongAdder();
    final LongAdder partitionsSkipped = new LongAdder();
    final LongAdder partitionsDeferred = new LongAdder();
    final LongAdder garbageDeferred = new LongAdder();
    final LongAdder leasesLost = new LongAdder();
    final LongAdder objectsRead = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder objectsWritten = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder entriesReplaced = new LongAdder();
    final LongAdder entriesWritten = new LongAdder();
    final LongAdder entriesDropped = new LongAdder();
    final LongAdder recordsRemoved = new LongAdder();
    final LongAdder objectsDeleted = new LongAdder();
    final LongAdder bytesDeleted = new LongAdder();
    final LongAdder partitionsPurged = new LongAdder();
    private final long startedAtNanos = System.nanoTime();

    public long objectsWritten() {
        return objectsWritten.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    public long objectsDeleted() {
        return objectsDeleted.sum();
    }

    public long entriesDropped() {
        return entriesDropped.sum();
    }

    public long recordsRemoved() {
        return recordsRemoved.sum();
    }

    /** Partitions left for the next pass because the pass's deadline had come. */
    public long partitionsDeferred() {
        return partitionsDeferred.sum();
    }

    public long leasesLost() {
        return leasesLost.sum();
    }

    /** Bytes this run wrote per byte it read to rewrite: 1.0 for a pure merge, less when compaction dropped records. */
    public double rewriteRatio() {
        long read = bytesRead.sum();
        return read == 0 ? 0 : (double) bytesWritten.sum() / read;
    }

    /** Every counter by its wire name, and the elapsed time. */
    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partitions", partitions.sum());
        out.put("partitions_skipped", partitionsSkipped.sum());
        out.put("partitions_deferred", partitionsDeferred.sum());
        out.put("gc_deferred", garbageDeferred.sum() > 0);
        out.put("leases_lost", leasesLost.sum());
        out.put("objects_read", objectsRead.sum());
        out.put("bytes_read", bytesRead.sum());
        out.put("objects_written", objectsWritten.sum());
        out.put("bytes_written", bytesWritten.sum());
        out.put("entries_replaced", entriesReplaced.sum());
        out.put("entries_written", entriesWritten.sum());
        out.put("entries_dropped", entriesDropped.sum());
        out.put("records_removed", recordsRemoved.sum());
        out.put("objects_deleted", objectsDeleted.sum());
        out.put("bytes_deleted", bytesDeleted.sum());
        out.put("partitions_purged", partitionsPurged.sum());
        out.put("rewrite_ratio", Math.round(rewriteRatio() * 1000) / 1000.0);
        out.put("elapsed_ms", (System.nanoTime() - startedAtNanos) / 1_000_000);
        return out;
    }
}
