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
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
 * is taken only while someone reads the gauges: a scrape of {@code /q/metrics} within {@link #DEMAND_WINDOW} (or four
 * sample intervals, if longer). Each sample costs every group's reads from DynamoDB (its state, offsets and heads,
 * ~12 calls a group) and a fetch per lagging partition, so a server nobody scrapes, as under {@code ./eddy perf} or
 * {@code ./eddy dev}, no longer pays for it. Thread-safe: one sample at a time (the scheduler skips overlaps).
 */
@ApplicationScoped
public class GroupMeters {
    private static final Logger LOG = Logger.getLogger(GroupMeters.class);
    private static final Duration SAMPLE_TIMEOUT = Duration.ofSeconds(30);
    /** How long after a scrape the gauges are still sampled (at least four sample intervals). */
    static final Duration DEMAND_WINDOW = Duration.ofMinutes(5);
    /** No scrape yet. */
    static final long NEVER = Long.MIN_VALUE;

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
    private volatile long lastScrapeMs = NEVER;

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
    }

    @Scheduled(
            every = "${eddy.metrics.group-sample-interval:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!wanted(emf.enabled(), lastScrapeMs, clock.millis(), interval)) {
            return Uni.createFrom().voidItem();
        }
        return sample().invoke(emf::publish)
                .onFailure()
                .invoke(f -> LOG.debugf("group sample failed: %s", f))
                .onFailure()
                .recoverWithNull();
    }

    /** A scrape of the meters: the gauges are wanted for {@link #DEMAND_WINDOW} from now. */
    void scraped() {
        lastScrapeMs = clock.millis();
    }

    /**
     * Whether a scheduled sample is worth its reads: always with EMF on (each sample publishes), else only within
     * {@link #DEMAND_WINDOW} (at least four intervals) of the last scrape. Pure.
     */
    static boolean wanted(boolean emf, long lastScrapeMs, long nowMs, Duration interval) {
        if (emf) {
            return true;
        }
        if (lastScrapeMs == NEVER) {
            return false;
        }
        long window = Math.max(DEMAND_WINDOW.toMillis(), 4 * interval.toMillis());
        return nowMs - lastScrapeMs <= window;
    }

    /** Records each scrape of {@code /q/metrics} before the metrics handler answers it. */
    void watchScrapes(@Observes Router router) {
        router.route("/q/metrics").order(Integer.MIN_VALUE).handler(ctx -> {
            scraped();
            ctx.next();
        });
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
    }

    private static List<MultiGauge.Row<?>> rows(Map<Tags, Double> values) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        values.forEach((tags, value) -> rows.add(MultiGauge.Row.of(tags, value)));
        return rows;
    }
}
