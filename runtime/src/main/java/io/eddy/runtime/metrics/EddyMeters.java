package io.eddy.runtime.metrics;

import io.eddy.core.compact.CompactionReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The meters Eddy's edges record into: requests by kind, API and outcome with their latency, records and bytes in
 * and out by API and topic, flushes, lease acquisitions and compaction passes. Topic and group label values pass
 * through one {@link LabelCap} each ({@code eddy.metrics.label-cap}). Thread-safe.
 */
public final class EddyMeters {
    public static final String SUCCESS = "success";
    public static final String CLIENT_ERROR = "client_error";
    public static final String SERVER_ERROR = "server_error";
    /** How many compaction passes {@link #recentCompactions()} keeps. */
    public static final int RECENT_COMPACTIONS = 20;

    private final MeterRegistry registry;
    private final LabelCap topics;
    private final LabelCap groups;
    private final DistributionSummary flushBytes;
    private final DistributionSummary flushRecords;
    private final Counter leaseAcquisitions;
    private final Clock clock;
    private final RecentCompactions recentCompactions = new RecentCompactions(RECENT_COMPACTIONS);

    public EddyMeters(MeterRegistry registry, int labelCap) {
        this(registry, labelCap, Clock.systemUTC());
    }

    public EddyMeters(MeterRegistry registry, int labelCap, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.topics = new LabelCap(labelCap);
        this.groups = new LabelCap(labelCap);
        this.flushBytes = DistributionSummary.builder("eddy.flush.size")
                .description("bytes of a flushed segment")
                .baseUnit("bytes")
                .publishPercentileHistogram()
                .register(registry);
        this.flushRecords = DistributionSummary.builder("eddy.flush.records")
                .description("records in a flushed segment")
                .publishPercentileHistogram()
                .register(registry);
        this.leaseAcquisitions = Counter.builder("eddy.lease.acquisitions")
                .description("partition leader leases this instance took")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The label value for {@code topic}: itself, or {@code other} past the cap. */
    public String topic(String topic) {
        return topics.of(topic);
    }

    /** The label value for {@code group}: itself, or {@code other} past the cap. */
    public String group(String group) {
        return groups.of(group);
    }

    /** A request of {@code kind} through {@code api} ended with {@code outcome} after {@code nanos}. */
    public void request(RequestKind kind, Api api, String outcome, long nanos) {
        Counter.builder("eddy." + kind.label() + ".requests")
                .description(kind.label() + " requests by API and outcome")
                .tag("api", api.label())
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        Timer.builder(kind.timer())
                .description(kind.label() + " request latency by API")
                .tag("api", api.label())
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code records} records of {@code bytes} bytes were acknowledged (or accepted, acks=0) into {@code topic}. */
    public void produced(Api api, String topic, long records, long bytes) {
        count("eddy.records.in", "records produced", api, topic, records);
        count("eddy.bytes.in", "bytes of records produced", api, topic, bytes);
    }

    /** {@code records} records of {@code bytes} bytes were read from {@code topic}. */
    public void fetched(Api api, String topic, long records, long bytes) {
        count("eddy.records.out", "records fetched", api, topic, records);
        count("eddy.bytes.out", "bytes of records fetched", api, topic, bytes);
    }

    private void count(String name, String description, Api api, String topic, long amount) {
        Counter.builder(name)
                .description(description)
                .tag("api", api.label())
                .tag("topic", topic(topic))
                .register(registry)
                .increment(amount);
    }

    /** A segment was flushed: {@code bytes} bytes holding {@code records} records. */
    public void flushed(long bytes, long records) {
        flushBytes.record(bytes);
        flushRecords.record(records);
    }

    public void leaseAcquired() {
        leaseAcquisitions.increment();
    }

    /** The last compaction passes, for the console: the counters below only sum them. */
    public RecentCompactions recentCompactions() {
        return recentCompactions;
    }

    /** A compaction pass ended (dry runs included, as {@code dry_run="true"}). */
    public void compacted(CompactionReport report, boolean dryRun) {
        Map<String, Object> summary = report.summary();
        recentCompactions.add(new RecentCompactions.Pass(
                clock.millis(),
                ((Number) summary.get("elapsed_ms")).longValue(),
                dryRun,
                ((Number) summary.get("partitions")).longValue(),
                report.bytesRead(),
                dryRun ? 0 : report.bytesWritten(),
                dryRun ? 0 : report.objectsDeleted(),
                dryRun ? 0 : report.recordsRemoved()));
        String dry = Boolean.toString(dryRun);
        Counter.builder("eddy.compaction.passes")
                .description("compaction passes run")
                .tag("dry_run", dry)
                .register(registry)
                .increment();
        Counter.builder("eddy.compaction.rewritten")
                .description("bytes written by merges and key compaction")
                .baseUnit("bytes")
                .register(registry)
                .increment(dryRun ? 0 : report.bytesWritten());
        Counter.builder("eddy.compaction.objects.deleted")
                .description("segment objects deleted (orphans, replaced, expired)")
                .register(registry)
                .increment(dryRun ? 0 : report.objectsDeleted());
    }

    /** The outcome label of an HTTP status. */
    public static String outcome(int status) {
        return status >= 500 ? SERVER_ERROR : status >= 400 ? CLIENT_ERROR : SUCCESS;
    }
}
