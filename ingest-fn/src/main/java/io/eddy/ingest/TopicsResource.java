package io.eddy.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.Principal;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.topic.TopicService;
import io.eddy.runtime.RequestLimits;
import io.eddy.runtime.auth.Caller;
import io.eddy.runtime.auth.CallerChecks;
import io.eddy.runtime.auth.Requires;
import io.eddy.runtime.json.JsonRecords;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.IntStream;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Topic administration: {@code /v1/topics}. */
@Path("/v1/topics")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "topics")
public class TopicsResource {
    private final TopicService topics;
    private final MetadataStore metadata;
    private final JsonRecords json;
    private final RequestLimits limits;
    private final Caller caller;

    public TopicsResource(
            TopicService topics, MetadataStore metadata, JsonRecords json, RequestLimits limits, Caller caller) {
        this.topics = topics;
        this.metadata = metadata;
        this.json = json;
        this.limits = limits;
        this.caller = caller;
    }

    @Requires(operation = Operation.ADMIN, resource = ResourceType.TOPIC, param = "topic")
    @PUT
    @Path("/{topic}")
    @Consumes(MediaType.WILDCARD)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Create a topic")
    @RequestBody(
            required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "TopicCreate")))
    @APIResponse(
            responseCode = "201",
            description = "created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Topic")))
    @APIResponse(responseCode = "409", ref = "Problem409")
    public Uni<Response> create(@PathParam("topic") String name, byte[] body) {
        JsonNode root = topicBody(body);
        JsonNode partitions = root.get("partitions");
        if (partitions == null || !partitions.isIntegralNumber() || !partitions.canConvertToInt()) {
            throw new EddyException(
                    ErrorCode.INVALID_PARTITIONS, "'partitions' must be an integer from 1 to " + Topic.MAX_PARTITIONS);
        }
        Map<String, Object> config = json.configValues(root.get("config"));
        return topics.create(name, partitions.asInt(), config)
                .map(t -> Response.status(Response.Status.CREATED)
                        .entity(describe(t, null))
                        .build());
    }

    @CallerChecks
    @GET
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "List the topics the caller holds a grant on")
    @APIResponse(
            responseCode = "200",
            description = "the topics",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "TopicList")))
    public Uni<ObjectNode> list() {
        Principal principal = caller.principal();
        return topics.list().map(all -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            var list = out.putArray("topics");
            // as Kafka's metadata: only the topics the caller holds some grant on
            all.stream()
                    .filter(t ->
                            principal.mayDescribe(ResourceType.TOPIC, t.name().value()))
                    .forEach(t -> list.add(describe(t, null)));
            return out;
        });
    }

    @CallerChecks
    @GET
    @Path("/{topic}")
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Describe a topic, with each partition's offsets")
    @APIResponse(
            responseCode = "200",
            description = "the topic",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Topic")))
    @APIResponse(responseCode = "404", ref = "Problem404")
    public Uni<ObjectNode> describe(@PathParam("topic") String name) {
        caller.requireDescribe(ResourceType.TOPIC, name);
        return topics.require(name)
                .flatMap(t -> metadata.heads(
                                t.id(),
                                IntStream.range(0, t.partitions()).boxed().toList())
                        .map(heads -> describe(t, heads)));
    }

    /** A create or alter body within the size limit: a JSON object of {@code partitions} and {@code config} only. */
    private JsonNode topicBody(byte[] body) {
        limits.check(body);
        JsonNode root = json.parse(body);
        if (!root.isObject()) {
            throw new EddyException(
                    ErrorCode.INVALID_REQUEST, "the body must be an object: {\"partitions\": N, \"config\": {...}}");
        }
        JsonRecords.rejectUnknownFields(root, Set.of("partitions", "config"), "the body");
        return root;
    }

    /** Alter: {@code {"partitions": N, "config": {...}}}, either or both; answers the topic as described. */
    @Requires(operation = Operation.ADMIN, resource = ResourceType.TOPIC, param = "topic")
    @PATCH
    @Path("/{topic}")
    @Consumes(MediaType.WILDCARD)
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Alter a topic's config and/or grow its partition count")
    @RequestBody(
            required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "TopicAlter")))
    @APIResponse(
            responseCode = "200",
            description = "the topic as altered",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Topic")))
    @APIResponse(responseCode = "404", ref = "Problem404")
    public Uni<ObjectNode> alter(@PathParam("topic") String name, byte[] body) {
        JsonNode root = topicBody(body);
        JsonNode partitions = root.get("partitions");
        if (partitions != null && (!partitions.isIntegralNumber() || !partitions.canConvertToInt())) {
            throw new EddyException(
                    ErrorCode.INVALID_PARTITIONS, "'partitions' must be an integer from 1 to " + Topic.MAX_PARTITIONS);
        }
        if (partitions == null && root.get("config") == null) {
            throw new EddyException(ErrorCode.INVALID_REQUEST, "nothing to alter: give 'partitions', 'config' or both");
        }
        Map<String, Object> config = json.configValues(root.get("config"));
        return topics.alter(name, java.util.Optional.ofNullable(partitions).map(JsonNode::asInt), config)
                .flatMap(t -> metadata.heads(
                                t.id(),
                                IntStream.range(0, t.partitions()).boxed().toList())
                        .map(heads -> describe(t, heads)));
    }

    @Requires(operation = Operation.ADMIN, resource = ResourceType.TOPIC, param = "topic")
    @DELETE
    @Path("/{topic}")
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Delete a topic")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(responseCode = "404", ref = "Problem404")
    public Uni<Response> delete(@PathParam("topic") String name) {
        return topics.delete(name).map(t -> Response.noContent().build());
    }

    private static void sizeField(ObjectNode into, OptionalLong size) {
        if (size.isPresent()) {
            into.put("size_bytes", size.getAsLong());
        } else {
            into.putNull("size_bytes");
        }
    }

    private static ObjectNode describe(Topic t, Map<Integer, PartitionHead> heads) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", t.name().value());
        o.put("topic_id", t.id().toString());
        o.put("partitions", t.partitions());
        ObjectNode config = o.putObject("config");
        t.config().toMap().forEach((k, v) -> config.putPOJO(k, v));
        o.put("created_at", t.createdAt().toString());
        if (heads != null) {
            var offsets = o.putArray("partition_offsets");
            // a size is null while its count is incomplete (a head from before sizes were kept), and so the total
            OptionalLong total = OptionalLong.of(0);
            for (int p = 0; p < t.partitions(); p++) {
                PartitionHead h = heads.get(p);
                OptionalLong size = h.size();
                ObjectNode partition = offsets.addObject()
                        .put("partition", p)
                        .put("log_start_offset", h.logStartOffset())
                        .put("high_watermark", h.nextOffset());
                sizeField(partition, size);
                total = total.isPresent() && size.isPresent()
                        ? OptionalLong.of(total.getAsLong() + size.getAsLong())
                        : OptionalLong.empty();
            }
            sizeField(o, total);
        }
        return o;
    }
}
