package io.eddy.runtime.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * On Lambda ({@code eddy.metrics.emf=true}, set by each function's Lambda packaging): after each HTTP request, or a
 * handler's invocation ({@link #publish()}), writes what the meters gained to standard output as EMF lines
 * ({@link EmfLines}), which the function's log group turns into CloudWatch metrics. Off elsewhere. Thread-safe.
 */
@ApplicationScoped
public class EmfPublisher {
    private final boolean enabled;
    private final EmfLines lines;
    private final Clock clock;

    public EmfPublisher(
            MeterRegistry registry,
            Clock clock,
            MetricsConfig config,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "eddy") String function) {
        this.enabled = config.emf();
        this.lines = new EmfLines(registry, function);
        this.clock = clock;
    }

    /** After every other response filter (they run from the highest priority to the lowest). */
    @ServerResponseFilter(priority = 1)
    public void afterRequest(ContainerRequestContext request, ContainerResponseContext response) {
        publish();
    }

    /** Whether EMF is on ({@code eddy.metrics.emf}). */
    public boolean enabled() {
        return enabled;
    }

    /** Writes the meters' gains since the last call, when EMF is on. */
    public void publish() {
        if (!enabled) {
            return;
        }
        StringBuilder out = new StringBuilder();
        for (ObjectNode line : lines.lines(clock.millis())) {
            out.append(line).append('\n');
        }
        if (!out.isEmpty()) {
            System.out.print(out);
            System.out.flush();
        }
    }
}
