package io.eddy.server.console;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads the process's meters each {@code eddy.console.health-sample-interval} and keeps what changed in between as
 * a {@link HealthSample}, in a bounded ring covering {@code eddy.console.health-history}: the console's Health page
 * plots it, so the last hour is there whether or not a page was open. A pass reads in-memory meters only (no I/O).
 * Thread-safe.
 */
@ApplicationScoped
public class HealthSampler {
    private final MeterRegistry registry;
    private final Clock clock;
    private final int capacity;
    private final Deque<HealthSample> samples;
    private MeterReading last;

    public HealthSampler(MeterRegistry registry, Clock clock, ConsoleConfig config) {
        this.registry = registry;
        this.clock = clock;
        this.capacity = ConsoleConfig.samplesIn(config.healthHistory(), config.healthSampleInterval());
        this.samples = new ArrayDeque<>(capacity);
    }

    @Scheduled(
            every = "${eddy.console.health-sample-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sample() {
        MeterReading now = MeterReading.read(registry, clock.millis());
        synchronized (this) {
            if (last != null && now.atMs() > last.atMs()) {
                if (samples.size() == capacity) {
                    samples.removeFirst();
                }
                samples.addLast(now.since(last));
            }
            last = now;
        }
    }

    /** The samples kept, oldest first. */
    public synchronized List<HealthSample> samples() {
        return new ArrayList<>(samples);
    }

    public int capacity() {
        return capacity;
    }
}
