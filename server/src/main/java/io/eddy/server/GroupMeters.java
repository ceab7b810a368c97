package io.eddy.server;

import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.GroupService.GroupDescription;
import io.eddy.core.group.GroupService.PartitionLag;
import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.EmfPublisher;
import io.eddy.runtime.metrics.MetricsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Samples every consumer group every {@code eddy.metrics.group-sample-interval} into gauges: lag per group and
 * partition in offsets ({@code eddy_group_lag_records}) and in seconds ({@code eddy_group_lag_seconds}: the age of
 * the oldest record not yet consumed, from its timestamp; 0 when caught up), live members
 * ({@code eddy_group_members}); and counts rebalances ({@code eddy_group_rebalances_total}: group epoch bumps seen
 * between samples). Group and topic labels pass the label caps; what falls into {@code other} is summed (lag) or
 * kept at its maximum (seconds). With {@code eddy.metrics.emf} on (the Kafka service's container) each sample
 * also writes the meters as EMF lines, so CloudWatch sees the server's meters without a scrape. Otherwise a sample
 * is taken only while someone reads the gauges: within {@link #DEMAND_WINDOW} (or four sample intervals, if longer)
 * of the last read of {@code eddy_group_sample_age_seconds}, the age of the last completed sample (NaN before the
 * first), which is always registered. Every reader of the whole registry reads it: a Prometheus scrape on whatever
 * path or port serves it (the management interface included), or any other exporter. The server's own readers
 * ({@code /v1/stats}, the console's health sampler) look meters up by name and never read it; EMF reads every meter,
 * but with EMF on every sample is taken anyway. Each sample costs every group's reads from DynamoDB (its state,
 * offsets and heads, ~12 calls a group) and a fetch per lagging partition, so a server nobody scrapes, as under
 * {@code ./eddy perf} or {@code ./eddy dev}, does not pay for it. Created at start-up, so that the age gauge is
 * there for the first scrape. Thread-safe: one sample at a time (the scheduler skips overlaps).
 */
@Startup
@ApplicationScoped
public class GroupMeters {
    private static final Logger LOG = Logger.getLogger(GroupMeters.class);
    private static final Duration SAMPLE_TIMEOUT = Duration.ofSeconds(30);
    /** How long after a read of the age gauge the gauges are still sampled (at least four sample intervals). */
    static final Duration DEMAND_WINDOW = Duration.ofMinutes(5);
    /** Not read, or not sampled, yet. */
    static final long NEVER = Long.MIN_VALUE;
    /** The age gauge, whose reads are the demand for samples. */
    static final String SAMPLE_AGE = "eddy.group.sample.age";

    private final GroupService groups;
    private final FetchService fetch;
    private final EddyMeters meters;
    private final Clock clock;
    private final EmfPublisher emf;
    private final MultiGauge lagRecords;
    private final MultiGauge lagSeconds;
    private final MultiGauge members;
    private final Map<String, Long> epochs = new ConcurrentHashMap<>();
    private final Duration interval;
    private volatile long lastReadMs = NEVER;
    private volatile long lastSampleMs = NEVER;

    public GroupMeters(
            GroupService groups,
            FetchService fetch,
            EddyMeters meters,
            Clock clock,
            EmfPublisher emf,
            MetricsConfig config) {
        this.groups = groups;
        this.interval = config.groupSampleInterval();
        this.fetch = fetch;
        this.meters = meters;
        this.clock = clock;
        this.emf = emf;
        this.lagRecords = MultiGauge.builder("eddy.group.lag.records")
                .description("records a group has not yet consumed, per partition")
                .register(meters.registry());
        this.lagSeconds = MultiGauge.builder("eddy.group.lag")
                .description("age of the oldest record a group has not yet consumed, per partition")
                .baseUnit("seconds")
                .register(meters.registry());
        this.members = MultiGauge.builder("eddy.group.members")
                .description("live members of a group")
                .register(meters.registry());
        Gauge.builder(SAMPLE_AGE, this, GroupMeters::read)
                .description("age of the last completed sample of the group gauges (NaN before the first); reading it"
                        + " keeps them sampled")
                .baseUnit("seconds")
                .strongReference(true)
                .register(meters.registry());
    }

    @Scheduled(
            every = "${eddy.metrics.group-sample-interval:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!wanted()) {
            return Uni.createFrom().voidItem();
        }
        return sample().invoke(emf::publish)
                .onFailure()
                .invoke(f -> LOG.debugf("group sample failed: %s", f))
                .onFailure()
                .recoverWithNull();
    }

    /** A read of the age gauge, by a scrape or any other reader: the gauges are wanted for the demand window. */
    private double read() {
        long now = clock.millis();
        lastReadMs = now;
        return ageSeconds(lastSampleMs, now);
    }

    /** Whether a sample is worth its reads now. */
    boolean wanted() {
        return wanted(emf.enabled(), lastReadMs, clock.millis(), interval);
    }

    /**
     * Whether a scheduled sample is worth its reads: always with EMF on (each sample publishes), else only within
     * {@link #DEMAND_WINDOW} (at least four intervals) of the last read of the age gauge. Pure.
     */
    static boolean wanted(boolean emf, long lastReadMs, long nowMs, Duration interval) {
        if (emf) {
            return true;
        }
        if (lastReadMs == NEVER) {
            return false;
        }
        long window = Math.max(DEMAND_WINDOW.toMillis(), 4 * interval.toMillis());
        return nowMs - lastReadMs <= window;
    }

    /** Seconds from the sample completed at {@code sampledMs} to {@code nowMs}; NaN with no sample yet. Pure. */
    static double ageSeconds(long sampledMs, long nowMs) {
        return sampledMs == NEVER ? Double.NaN : Math.max(0, nowMs - sampledMs) / 1000.0;
    }

    /** One sample of every group; the gauges show it once it completes. */
    public Uni<Void> sample() {
        return groups.list().flatMap(ids -> {
            if (ids.isEmpty()) {
                publish(List.of());
                return Uni.createFrom().voidItem();
            }
            List<Uni<Optional<Sampled>>> described = new ArrayList<>();
            for (GroupId id : ids) {
                described.add(describe(id.value()));
            }
            return Uni.join()
                    .all(described)
                    .andCollectFailures()
                    .invoke(all ->
                            publish(all.stream().flatMap(Optional::stream).toList()))
                    .replaceWithVoid();
        });
    }

    /** A group and its partitions' lag in seconds. */
    private record Sampled(GroupDescription group, Map<PartitionLag, Double> seconds) {}

    private Uni<Optional<Sampled>> describe(String group) {
        return groups.describe(group)
                .flatMap(d -> {
                    List<Uni<Map.Entry<PartitionLag, Double>>> ages = new ArrayList<>();
                    for (PartitionLag p : d.partitions()) {
                        if (p.lag().orElse(0L) > 0) {
                            ages.add(age(p).map(s -> Map.entry(p, s)));
                        }
                    }
                    if (ages.isEmpty()) {
                        return Uni.createFrom().item(Optional.of(new Sampled(d, Map.of())));
                    }
                    return Uni.join().all(ages).andFailFast().map(list -> {
                        Map<PartitionLag, Double> seconds = new HashMap<>();
                        list.forEach(e -> seconds.put(e.getKey(), e.getValue()));
                        return Optional.of(new Sampled(d, seconds));
                    });
                })
                .ifNoItem()
                .after(SAMPLE_TIMEOUT)
                .fail()
                .onFailure()
                .recoverWithItem(Optional.empty()); // deleted meanwhile, or unreadable: left out of this sample
    }

    /** Seconds since the first unconsumed record's timestamp. */
    private Uni<Double> age(PartitionLag p) {
        long offset = Math.max(p.committed().orElseThrow().offset(), p.logStartOffset());
        return fetch.fetch(new FetchRequest(
                        p.partition().topic(), p.partition().partition(), offset, 1, 1 << 20, Duration.ZERO))
                .map(r -> r.records().isEmpty()
                        ? 0.0
                        : Math.max(0, clock.millis() - r.records().get(0).timestamp()) / 1000.0);
    }

    private void publish(List<Sampled> sampled) {
        Map<Tags, Double> records = new HashMap<>();
        Map<Tags, Double> seconds = new HashMap<>();
        Map<Tags, Double> live = new HashMap<>();
        for (Sampled s : sampled) {
            String name = s.group().group().groupId().value();
            String group = meters.group(name);
            live.merge(Tags.of("group", group), (double) s.group().members().size(), Double::sum);
            long epoch = s.group().group().groupEpoch();
            Long before = epochs.put(name, epoch);
            Counter rebalances = Counter.builder("eddy.group.rebalances")
                    .description("rebalances of a group (group epoch bumps between samples)")
                    .tag("group", group)
                    .register(meters.registry());
            if (before != null && epoch > before) {
                rebalances.increment(epoch - before);
            }
            for (PartitionLag p : s.group().partitions()) {
                if (p.lag().isEmpty()) {
                    continue;
                }
                Tags tags = Tags.of(
                        "group", group,
                        "topic", meters.topic(p.partition().topic()),
                        "partition", Integer.toString(p.partition().partition()));
                records.merge(tags, (double) p.lag().get(), Double::sum);
                seconds.merge(tags, s.seconds().getOrDefault(p, 0.0), Math::max);
            }
        }
        lagRecords.register(rows(records), true);
        lagSeconds.register(rows(seconds), true);
        members.register(rows(live), true);
        lastSampleMs = clock.millis();
    }

    private static List<MultiGauge.Row<?>> rows(Map<Tags, Double> values) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        values.forEach((tags, value) -> rows.add(MultiGauge.Row.of(tags, value)));
        return rows;
    }
}
