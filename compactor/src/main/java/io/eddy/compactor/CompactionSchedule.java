package io.eddy.compactor;

import io.eddy.core.compact.CompactionPlan;
import io.eddy.core.compact.Compactor;
import io.eddy.core.compact.GarbageCollector;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.metrics.EddyMeters;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Runs a compaction pass every {@code eddy.compactor.interval} when {@code eddy.compactor.scheduled} is on (the
 * server); a pass still running is not started twice. Each partition is leased, so several processes may run it.
 */
@ApplicationScoped
public class CompactionSchedule {
    private static final Logger LOG = Logger.getLogger(CompactionSchedule.class);

    private final Compactor compactor;
    private final EddyConfig config;
    private final EddyMeters meters;

    public CompactionSchedule(Compactor compactor, EddyConfig config, EddyMeters meters) {
        this.compactor = compactor;
        this.config = config;
        this.meters = meters;
    }

    @Scheduled(
            every = "${eddy.compactor.interval:5m}",
            delayed = "${eddy.compactor.interval:5m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> pass() {
        if (!config.compactor().scheduled()) {
            return Uni.createFrom().voidItem();
        }
        return compactor
                .run(Compactor.Options.all(), new Compactor.Progress() {
                    @Override
                    public void partitionDone(int done, int total, CompactionPlan plan) {}

                    @Override
                    public void garbage(List<GarbageCollector.Doomed> doomed) {}
                })
                .invoke(result -> {
                    meters.compacted(result.report(), false);
                    LOG.infof("compaction pass: %s", result.report().summary());
                })
                .onFailure()
                .invoke(failure -> LOG.warnf("compaction pass failed: %s", failure.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
