package io.eddy.server.console;

import io.eddy.core.group.GroupService;
import io.eddy.core.group.TopicPartition;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Samples the lag of the consumer groups someone is watching each {@code eddy.console.lag-sample-interval} into a
 * {@link LagHistory}, so the console plots a group's last hour (a stuck consumer shows as a flat or rising line).
 * A group is watched from the first read of its lag plot ({@link #watch}) until the plot's span
 * ({@code eddy.console.lag-history}, at least four intervals) after the last: the history keeps filling while the
 * page is closed, and a group nobody looks at costs no reads (each describe is four metadata calls, and benchmarks
 * and busy clusters leave hundreds of groups). One describe per watched group per pass, groups one after another.
 * Thread-safe.
 */
@ApplicationScoped
public class LagSampler {
    private static final Logger LOG = Logger.getLogger(LagSampler.class);

    private final GroupService groups;
    private final Clock clock;
    private final ConsoleConfig config;
    private final LagHistory history;
    private final long windowMs;
    /** Each watched group's last read of its plot, least recently read first; at most {@code max-groups}. */
    private final LinkedHashMap<String, Long> lastRead = new LinkedHashMap<>(16, 0.75f, true);

    public LagSampler(GroupService groups, Clock clock, ConsoleConfig config) {
        this.groups = groups;
        this.clock = clock;
        this.config = config;
        int capacity = ConsoleConfig.samplesIn(config.lagHistory(), config.lagSampleInterval());
        this.history = new LagHistory(capacity, config.maxGroups());
        this.windowMs = Math.max(
                config.lagHistory().toMillis(), 4 * config.lagSampleInterval().toMillis());
    }

    public LagHistory history() {
        return history;
    }

    /** A read of the group's lag plot: the group is sampled from the next pass on, for the window after this read. */
    public void watch(String group) {
        synchronized (lastRead) {
            lastRead.put(group, clock.millis());
            if (lastRead.size() > config.maxGroups()) {
                lastRead.remove(lastRead.keySet().iterator().next());
            }
        }
    }

    /** The groups to sample now, in name order: those read within the window; forgets the rest. */
    List<String> watched() {
        synchronized (lastRead) {
            return watched(lastRead, clock.millis(), windowMs);
        }
    }

    /** The groups of {@code lastRead} read within {@code windowMs} of {@code nowMs}, in name order; drops the rest. */
    static List<String> watched(Map<String, Long> lastRead, long nowMs, long windowMs) {
        lastRead.values().removeIf(readMs -> nowMs - readMs > windowMs);
        return lastRead.keySet().stream().sorted().toList();
    }

    /** One pass: the watched groups that still exist, each described once; a group deleted since is forgotten. */
    @Scheduled(
            every = "${eddy.console.lag-sample-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> sample() {
        List<String> watched = watched();
        if (watched.isEmpty()) {
            history.retainOnly(List.of());
            return Uni.createFrom().voidItem();
        }
        return groups.list()
                .flatMap(all -> {
                    Set<String> live = new HashSet<>();
                    all.forEach(id -> live.add(id.value()));
                    List<String> names = watched.stream().filter(live::contains).toList();
                    history.retainOnly(names);
                    return Multi.createFrom()
                            .iterable(names)
                            .onItem()
                            .transformToUniAndConcatenate(this::sampleOne)
                            .collect()
                            .last();
                })
                .onFailure()
                .invoke(failure -> LOG.debugf("lag sampling failed: %s", failure.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Void> sampleOne(String group) {
        return groups.describe(group)
                .invoke(d -> {
                    Map<TopicPartition, Long> lags = new HashMap<>();
                    d.partitions().forEach(p -> p.lag().ifPresent(lag -> lags.put(p.partition(), lag)));
                    history.add(group, new LagSample(clock.millis(), lags));
                })
                .onFailure()
                .recoverWithNull() // deleted between list and describe: nothing to sample
                .replaceWithVoid();
    }
}
