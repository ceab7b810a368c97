package io.eddy.runtime.metrics;

import io.eddy.core.fetch.FetchService;
import io.eddy.core.fetch.ReadCaches;
import io.eddy.core.produce.ProduceMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Builds {@link EddyMeters} over the process's meter registry, and registers core's counters there at start-up
 * ({@link CoreMeters}); the read path's only where this process has one (not the ingest function).
 */
@ApplicationScoped
public class MetricsWiring {

    @Produces
    @Singleton
    EddyMeters eddyMeters(MeterRegistry registry, MetricsConfig config, Clock clock) {
        return new EddyMeters(registry, config.labelCap(), clock);
    }

    void bind(
            @Observes StartupEvent event,
            MeterRegistry registry,
            ProduceMetrics produce,
            ReadCaches caches,
            Instance<FetchService> fetch) {
        CoreMeters.bindProduce(registry, produce);
        CoreMeters.bindCaches(registry, caches);
        if (fetch.isResolvable()) {
            CoreMeters.bindFetch(registry, fetch.get());
        }
    }
}
