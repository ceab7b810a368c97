package io.eddy.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.Permission;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchResult;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.fetch.PartitionFetch;
import io.eddy.core.fetch.PartitionOutcome;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.Problems;
import io.eddy.runtime.RequestLimits;
import io.eddy.runtime.auth.Caller;
import io.eddy.runtime.auth.CallerChecks;
import io.eddy.runtime.json.JsonRecords;
import io.eddy.runtime.metrics.Api;
import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.Metered;
import io.eddy.runtime.metrics.RequestKind;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /v1/fetch}: many partitions in one round trip, with one shared {@code wait_ms} and
 * {@code min_bytes}, answered as soon as {@code min_bytes} are available (or a partition failed, or the wait
 * ended). The records of all partitions together stay within the body's {@code max_bytes} (at most, and by
 * default, {@code eddy.fetch.max-response-bytes}), each partition's within its own {@code max_bytes}. A
 * partition's own failure is a problem object in its place; a malformed request is a 400.
 */
@Path("/v1/fetch")
@Tag(name = "fetch")
public class MultiFetchResource {
    /** Most partitions one request may name. */
    public static final int MAX_PARTITIONS = 1_000;

    private static final Set<String> BODY_FIELDS = Set.of("wait_ms", "min_bytes", "max_bytes", "partitions");
    private static final Set<String> PARTITION_FIELDS = Set.of("topic", "partition", "offset", "max_bytes");

    private final FetchService fetch;
    private final JsonRecords json;
    private final RequestLimits limits;
    private final ObjectMapper mapper;
    private final Caller caller;
    private final long maxResponseBytes;
    private final EddyMeters meters;

    public MultiFetchResource(
            FetchService fetch,
            JsonRecords json,
            RequestLimits limits,
            ObjectMapper mapper,
            Caller caller,
            EddyConfig config,
            EddyMeters meters) {
        this.fetch = fetch;
        this.json = json;
        this.limits = limits;
        this.mapper = mapper;
        this.caller = caller;
        this.maxResponseBytes = config.fetch().maxResponseBytes();
        this.meters = meters;
    }

    @CallerChecks
    @Metered(RequestKind.FETCH)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Read many partitions in one round trip")
    @Parameter(
            name = "encoding",
            in = ParameterIn.QUERY,
            description = "base64: every key, value and header as *_b64",
            schema = @Schema(enumeration = {"json", "base64"}))
    @RequestBody(
            required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "MultiFetchRequest")))
    @APIResponse(
            responseCode = "200",
            description = "each partition's records, or its own problem in its place",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "MultiFetchResponse")))
    public Uni<ObjectNode> fetch(@QueryParam("encoding") String encoding, byte[] body) {
        limits.check(body);
        boolean base64 = "base64".equals(encoding);
        if (encoding != null && !encoding.isEmpty() && !base64 && !encoding.equals("json")) {
            throw new EddyException(
                    ErrorCode.INVALID_PARAMETER,
                    "'encoding' must be json or base64, not '" + encoding + "'",
                    Map.of("parameter", "encoding"));
        }
        JsonNode root = json.parse(body);
        if (!root.isObject()) {
            throw invalid("the body must be a JSON object with a 'partitions' array");
        }
        JsonRecords.rejectUnknownFields(root, BODY_FIELDS, "the body");
        long waitMs = integer(root, "wait_ms", "the body", 0, FetchRequest.MAX_WAIT.toMillis(), 0);
        long minBytes = integer(root, "min_bytes", "the body", 0, Integer.MAX_VALUE, 1);
        long maxBytes = integer(root, "max_bytes", "the body", 1, maxResponseBytes, maxResponseBytes);
        JsonNode partitions = root.get("partitions");
        if (partitions == null || !partitions.isArray() || partitions.isEmpty()) {
            throw invalid(
                    "'partitions' must be a non-empty array of {\"topic\", \"partition\", \"offset\", \"max_bytes\"}");
        }
        if (partitions.size() > MAX_PARTITIONS) {
            throw new EddyException(
                    ErrorCode.TOO_MANY_PARTITIONS,
                    "a fetch names at most " + MAX_PARTITIONS + " partitions, not " + partitions.size(),
                    Map.of("max_partitions", MAX_PARTITIONS));
        }
        List<PartitionFetch> fetches = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < partitions.size(); i++) {
            JsonNode p = partitions.get(i);
            String where = "partitions[" + i + "]";
            if (!p.isObject()) {
                throw invalid(where + " must be an object");
            }
            JsonRecords.rejectUnknownFields(p, PARTITION_FIELDS, where);
            JsonNode topic = p.get("topic");
            if (topic == null || !topic.isTextual() || topic.asText().isEmpty()) {
                throw invalid(where + ".topic must be a topic name");
            }
            int partition = (int) integer(p, "partition", where, 0, Integer.MAX_VALUE, -1);
            if (partition < 0) {
                throw invalid(where + ".partition is required");
            }
            if (!seen.add(topic.asText() + "/" + partition)) {
                throw invalid(where + " names " + topic.asText() + "/" + partition + " a second time");
            }
            fetches.add(new PartitionFetch(
                    topic.asText(), partition, integer(p, "offset", where, 0, Long.MAX_VALUE, 0), (int) integer(
                            p, "max_bytes", where, 1, FetchRequest.MAX_MAX_BYTES, FetchRequest.DEFAULT_MAX_BYTES)));
        }
        // the whole request is refused if one topic may not be read (not a problem per partition): nothing is read
        caller.requireAll(fetches.stream()
                .map(f -> Permission.topic(Operation.CONSUME, f.topic()))
                .distinct()
                .toList());
        return fetch.fetchMany(fetches, Duration.ofMillis(waitMs), minBytes, maxBytes)
                .map(outcomes -> render(outcomes, base64));
    }

    private ObjectNode render(List<PartitionOutcome<FetchResult>> outcomes, boolean base64) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode responses = out.putArray("responses");
        for (PartitionOutcome<FetchResult> o : outcomes) {
            ObjectNode r = JsonNodeFactory.instance.objectNode();
            r.put("topic", o.fetch().topic()).put("partition", o.fetch().partition());
            if (o.error() != null) {
                EddyException e = o.error();
                r.set("error", mapper.valueToTree(Problems.body(e.code(), e.getMessage(), e.details(), null)));
            } else {
                meters.fetched(
                        Api.HTTP,
                        o.fetch().topic(),
                        o.result().records().size(),
                        o.result().bytes());
                r.setAll(json.fetched(o.result(), base64));
            }
            responses.add(r);
        }
        return out;
    }

    private static long integer(JsonNode parent, String name, String where, long min, long max, long fallback) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw invalid(where + "." + name + " must be an integer from " + min + " to " + max);
        }
        return n.asLong();
    }

    private static EddyException invalid(String message) {
        return new EddyException(ErrorCode.INVALID_REQUEST, message);
    }
}
