package io.eddy.server.console;

import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.TopicPartition;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Samples every consumer group's lag each {@code eddy.console.lag-sample-interval} into a {@link LagHistory}, so the
 * console plots the last hour whether or not a page was open (a stuck consumer shows as a flat or rising line).
 * One describe per group per pass, groups one after another, so a pass costs the metadata plane little. Thread-safe.
 */
@ApplicationScoped
public class LagSampler {
    private static final Logger LOG = Logger.getLogger(LagSampler.class);

    private final GroupService groups;
    private final Clock clock;
    private final ConsoleConfig config;
    private final LagHistory history;

    public LagSampler(GroupService groups, Clock clock, ConsoleConfig config) {
        this.groups = groups;
        this.clock = clock;
        this.config = config;
        int capacity = ConsoleConfig.samplesIn(config.lagHistory(), config.lagSampleInterval());
        this.history = new LagHistory(capacity, config.maxGroups());
    }

    public LagHistory history() {
        return history;
    }

    @Scheduled(
            every = "${eddy.console.lag-sample-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sample() {
        return groups.list()
                .flatMap(all -> {
                    List<String> names = all.stream()
                            .map(GroupId::value)
                            .sorted()
                            .limit(config.maxGroups())
                            .toList();
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
