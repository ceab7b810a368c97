package io.eddy.core.produce;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the write path, for {@code /v1/stats} and the benchmark, and each flush's size for a
 * {@link FlushListener} (the runtime's histograms). Thread-safe.
 */
public final class ProduceMetrics {
    /** Told of each flushed segment. Implementations are thread-safe and quick. */
    @FunctionalInterface
    public interface FlushListener {
        void flushed(long bytes, long records);
    }

    private final FlushListener listener;
    private final LongAdder flushes = new LongAdder();
    private final LongAdder segmentPuts = new LongAdder();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder records = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder replicaFallbacks = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder fenced = new LongAdder();
    private final LongAdder transactionItems = new LongAdder();
    private final LongAdder reportedWriteUnits = new LongAdder();
    private final LongAdder redecided = new LongAdder();

    public ProduceMetrics() {
        this((bytes, records) -> {});
    }

    public ProduceMetrics(FlushListener listener) {
        this.listener = listener;
    }

    void flushed(int requestCount, long byteCount, long recordCount) {
        flushes.increment();
        requests.add(requestCount);
        bytes.add(byteCount);
        records.add(recordCount);
        listener.flushed(byteCount, recordCount);
    }

    void put() {
        segmentPuts.increment();
    }

    /**
     * A commit transaction of {@code items} items landed; DynamoDB reported {@code writeUnits} consumed (NaN: none).
     * DynamoDB Local's figures for transactions are not AWS's bill (see docs/architecture.md, "Index pages").
     */
    void transaction(int items, double writeUnits) {
        transactions.increment();
        transactionItems.add(items);
        if (!Double.isNaN(writeUnits)) {
            reportedWriteUnits.add(Math.round(writeUnits));
        }
    }

    /** A pipelined flush decided again because a flush ahead of it did not land what it was decided on. */
    void redecided() {
        redecided.increment();
    }

    void replicaFallback() {
        replicaFallbacks.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    void fenced() {
        fenced.increment();
    }

    public long segmentPuts() {
        return segmentPuts.sum();
    }

    public long transactions() {
        return transactions.sum();
    }

    public long replicaFallbacks() {
        return replicaFallbacks.sum();
    }

    public long flushes() {
        return flushes.sum();
    }

    /** Every counter by its wire name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("flushes", flushes.sum());
        out.put("requests", requests.sum());
        out.put("segment_puts", segmentPuts.sum());
        out.put("transactions", transactions.sum());
        out.put("bytes", bytes.sum());
        out.put("records", records.sum());
        out.put("replica_fallbacks", replicaFallbacks.sum());
        out.put("duplicates", duplicates.sum());
        out.put("leases_lost", fenced.sum());
        out.put("transaction_items", transactionItems.sum());
        out.put("transaction_reported_wru", reportedWriteUnits.sum());
        out.put("redecided", redecided.sum());
        return out;
    }
}
