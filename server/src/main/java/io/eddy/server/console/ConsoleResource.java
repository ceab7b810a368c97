package io.eddy.server.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.Principal;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.group.TopicPartition;
import io.eddy.runtime.auth.Caller;
import io.eddy.runtime.auth.Requires;
import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.RecentCompactions;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/**
 * The console's own routes beside its static files ({@code META-INF/resources/console/}): {@code /console} opens
 * the console, {@code /console/api/groups/{group}/lag} is a group's lag over the last hour as the server sampled it
 * ({@link LagSampler}; a read is what keeps the group sampled). The lag needs what describing the group needs, and
 * shows only topics the caller may see.
 * {@code /console/api/health} is the Health page's data ({@link HealthSampler}).
 */
@Path("/console")
public class ConsoleResource {
    private final LagSampler sampler;
    private final HealthSampler health;
    private final EddyMeters meters;
    private final ConsoleConfig config;
    private final Caller caller;

    public ConsoleResource(
            LagSampler sampler, HealthSampler health, EddyMeters meters, ConsoleConfig config, Caller caller) {
        this.sampler = sampler;
        this.health = health;
        this.meters = meters;
        this.config = config;
        this.caller = caller;
    }

    /** The static index is served at {@code /console/}; a bare {@code /console} goes there. */
    @GET
    public Response open() {
        return Response.seeOther(URI.create("/console/")).build();
    }

    @Requires(operation = Operation.CONSUME, resource = ResourceType.GROUP, param = "group")
    @GET
    @Path("/api/groups/{group}/lag")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode lag(@PathParam("group") String group) {
        Principal principal = caller.principal();
        sampler.watch(group);
        ObjectNode out = JsonNodeFactory.instance
                .objectNode()
                .put("group", group)
                .put("interval_ms", config.lagSampleInterval().toMillis())
                .put("capacity", sampler.history().capacity());
        ArrayNode samples = out.putArray("samples");
        for (LagSample s : sampler.history().samples(group)) {
            ObjectNode o = samples.addObject().put("at_ms", s.atMs());
            ArrayNode partitions = o.putArray("partitions");
            long total = 0;
            for (Map.Entry<TopicPartition, Long> e : new TreeMap<>(s.lags()).entrySet()) {
                if (principal.mayDescribe(ResourceType.TOPIC, e.getKey().topic())) {
                    partitions
                            .addObject()
                            .put("topic", e.getKey().topic())
                            .put("partition", e.getKey().partition())
                            .put("lag", e.getValue());
                    total += e.getValue();
                }
            }
            o.put("lag", total);
        }
        return out;
    }

    /**
     * The process's health over the last hour as {@link HealthSampler} sampled it (request and error rates, latency
     * percentiles, cache hit ratios, S3 and DynamoDB calls per second) and the last compaction passes. It needs what
     * {@code /v1/stats} needs.
     */
    @Requires(operation = Operation.ADMIN, resource = ResourceType.CLUSTER)
    @GET
    @Path("/api/health")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode health() {
        ObjectNode out = JsonNodeFactory.instance
                .objectNode()
                .put("interval_ms", config.healthSampleInterval().toMillis())
                .put("capacity", health.capacity());
        ArrayNode samples = out.putArray("samples");
        for (HealthSample s : health.samples()) {
            ObjectNode values = samples.addObject().put("at_ms", s.atMs()).putObject("values");
            s.values().forEach(values::put);
        }
        ArrayNode compactions = out.putArray("compactions");
        for (RecentCompactions.Pass p : meters.recentCompactions().passes()) {
            compactions
                    .addObject()
                    .put("ended_at_ms", p.endedAtMs())
                    .put("elapsed_ms", p.elapsedMs())
                    .put("dry_run", p.dryRun())
                    .put("partitions", p.partitions())
                    .put("bytes_read", p.bytesRead())
                    .put("bytes_written", p.bytesWritten())
                    .put("objects_deleted", p.objectsDeleted())
                    .put("records_removed", p.recordsRemoved());
        }
        return out;
    }
}
