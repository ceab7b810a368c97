package io.eddy.runtime.metrics;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.reflect.Method;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Counts and times the HTTP requests of resource methods marked {@link Metered}: started before access control
 * (so a refused request counts, as a client error), ended when the response, problem+json included, is ready.
 * Thread-safe: a request's start time travels as one of its properties.
 */
public class MeteredRequests {
    private static final String STARTED = "eddy.metrics.started";

    private final EddyMeters meters;

    public MeteredRequests(EddyMeters meters) {
        this.meters = meters;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    public void started(ContainerRequestContext request, ResourceInfo resource) {
        if (metered(resource) != null) {
            request.setProperty(STARTED, System.nanoTime());
        }
    }

    @ServerResponseFilter
    public void ended(ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
        Metered metered = metered(resource);
        if (metered == null || !(request.getProperty(STARTED) instanceof Long started)) {
            return;
        }
        meters.request(
                metered.value(), Api.HTTP, EddyMeters.outcome(response.getStatus()), System.nanoTime() - started);
    }

    private static Metered metered(ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        return method == null ? null : method.getAnnotation(Metered.class);
    }
}
