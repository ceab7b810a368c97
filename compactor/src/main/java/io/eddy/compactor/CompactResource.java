package io.eddy.compactor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.compact.CompactionPlan;
import io.eddy.core.compact.Compactor;
import io.eddy.core.compact.GarbageCollector;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.topic.TopicService;
import io.eddy.runtime.Params;
import io.eddy.runtime.auth.Requires;
import io.eddy.runtime.metrics.EddyMeters;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.common.util.RestMediaType;

/**
 * {@code POST /v1/admin/compact}: one compaction pass now, for operators and the {@code eddy compact} command.
 * The answer is a stream of JSON lines ({@code application/x-ndjson}): one {@code partition} line per partition
 * with its plan, one {@code garbage} line, and a final {@code summary} line with the counters. Parameters:
 * {@code dry_run} (plan only, change nothing), {@code topic} (one topic; no garbage collection then),
 * {@code gc} and {@code repair} (default true), {@code scrub} (default false: reads every replica copy).
 */
@Path("/v1/admin/compact")
@Tag(name = "admin")
public class CompactResource {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Garbage lines list at most this many objects; the count is always whole. */
    private static final int MAX_LISTED = 1_000;

    private final Compactor compactor;
    private final TopicService topics;
    private final EddyMeters meters;

    public CompactResource(Compactor compactor, TopicService topics, EddyMeters meters) {
        this.compactor = compactor;
        this.topics = topics;
        this.meters = meters;
    }

    @Requires(operation = Operation.ADMIN, resource = ResourceType.CLUSTER)
    @POST
    @Produces(RestMediaType.APPLICATION_NDJSON)
    @RestStreamElementType("application/json")
    @Blocking // checks the topic before streaming: an error once streaming cannot be a problem+json
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Run a compaction pass now: merge, retention, key compaction, garbage collection, repair")
    @Parameter(
            name = "dry_run",
            in = ParameterIn.QUERY,
            description = "plan only, change nothing",
            schema = @Schema(type = SchemaType.BOOLEAN))
    @Parameter(name = "topic", in = ParameterIn.QUERY, description = "one topic only (no garbage collection then)")
    @Parameter(
            name = "gc",
            in = ParameterIn.QUERY,
            description = "delete unreferenced objects (default true)",
            schema = @Schema(type = SchemaType.BOOLEAN))
    @Parameter(
            name = "repair",
            in = ParameterIn.QUERY,
            description = "repair replica copies (default true)",
            schema = @Schema(type = SchemaType.BOOLEAN))
    @Parameter(
            name = "scrub",
            in = ParameterIn.QUERY,
            description = "also read every replica copy (default false)",
            schema = @Schema(type = SchemaType.BOOLEAN))
    @APIResponse(
            responseCode = "200",
            description = "the pass's progress, one JSON object a line",
            content = @Content(mediaType = RestMediaType.APPLICATION_NDJSON, schema = @Schema(ref = "CompactionLine")))
    @APIResponse(responseCode = "404", ref = "Problem404")
    public Multi<ObjectNode> compact(
            @QueryParam("dry_run") String dryRun,
            @QueryParam("topic") String topic,
            @QueryParam("gc") String gc,
            @QueryParam("repair") String repair,
            @QueryParam("scrub") String scrub) {
        Compactor.Options options = new Compactor.Options(
                Params.flag("dry_run", dryRun),
                gc == null || Params.flag("gc", gc),
                repair == null || Params.flag("repair", repair),
                topic == null || topic.isEmpty() ? null : topic,
                Params.flag("scrub", scrub));
        if (options.onlyTopic() != null) {
            topics.require(options.onlyTopic()).await().atMost(Duration.ofSeconds(30));
        }
        return Multi.createFrom()
                .emitter(emitter -> compactor
                        .run(options, new Compactor.Progress() {
                            @Override
                            public void partitionDone(int done, int total, CompactionPlan plan) {
                                emitter.emit(partitionLine(done, total, plan));
                            }

                            @Override
                            public void garbage(List<GarbageCollector.Doomed> doomed) {
                                emitter.emit(garbageLine(doomed, options.dryRun()));
                            }
                        })
                        .subscribe()
                        .with(
                                result -> {
                                    meters.compacted(result.report(), options.dryRun());
                                    ObjectNode summary = NODES.objectNode()
                                            .put("type", "summary")
                                            .put("dry_run", options.dryRun());
                                    result.report().summary().forEach(summary::putPOJO);
                                    emitter.emit(summary);
                                    emitter.complete();
                                },
                                emitter::fail));
    }

    private static ObjectNode partitionLine(int done, int total, CompactionPlan plan) {
        ObjectNode line = NODES.objectNode()
                .put("type", "partition")
                .put("done", done)
                .put("total", total)
                .put("topic", plan.topic())
                .put("partition", plan.partition());
        plan.retention()
                .ifPresent(r -> line.putObject("retention")
                        .put("log_start_offset", r.logStartOffset())
                        .put("entries", r.dropped().size())
                        .put("reason", r.reason()));
        ArrayNode merges = line.putArray("merges");
        for (CompactionPlan.Merge m : plan.merges()) {
            merges.addObject()
                    .put("tier", m.tier())
                    .put("entries", m.sources().size())
                    .put("bytes", m.bytes())
                    .put("from_offset", m.sources().get(0).baseOffset())
                    .put("to_offset", m.sources().get(m.sources().size() - 1).lastOffset());
        }
        plan.compaction()
                .ifPresent(k -> line.putObject("compaction")
                        .put("entries", k.cleanable().size())
                        .put(
                                "bytes",
                                k.cleanable().stream()
                                        .mapToLong(IndexEntry::length)
                                        .sum())
                        .put("dirty_ratio", Math.round(k.dirtyRatio() * 1000) / 1000.0));
        return line;
    }

    private static ObjectNode garbageLine(List<GarbageCollector.Doomed> doomed, boolean dryRun) {
        ObjectNode line = NODES.objectNode()
                .put("type", "garbage")
                .put("dry_run", dryRun)
                .put("objects", doomed.size())
                .put(
                        "bytes",
                        doomed.stream()
                                .mapToLong(GarbageCollector.Doomed::bytes)
                                .sum());
        ArrayNode listed = line.putArray("listed");
        doomed.stream()
                .limit(MAX_LISTED)
                .forEach(d -> listed.addObject()
                        .put("bucket", d.bucket())
                        .put("key", d.key())
                        .put("bytes", d.bytes())
                        .put("reason", d.reason()));
        return line;
    }
}
