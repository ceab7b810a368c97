package io.eddy.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.produce.ProducerRegistry;
import io.eddy.runtime.RequestLimits;
import io.eddy.runtime.auth.Caller;
import io.eddy.runtime.auth.Requires;
import io.eddy.runtime.json.JsonRecords;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Idempotent producers: {@code POST /v1/producers} registers one ({@code producer_id}, {@code epoch} 0) owned by
 * the caller; {@code POST /v1/producers/{id}/epoch} with {@code {"epoch": <current>}} bumps its epoch, fencing
 * every older instance, for the principal that registered it only (docs/protocol.md, "Idempotent producers").
 */
@Path("/v1/producers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "produce")
public class ProducersResource {
    private final ProducerRegistry registry;
    private final Caller caller;
    private final JsonRecords json;
    private final RequestLimits limits;

    public ProducersResource(ProducerRegistry registry, Caller caller, JsonRecords json, RequestLimits limits) {
        this.registry = registry;
        this.caller = caller;
        this.json = json;
        this.limits = limits;
    }

    @Requires(operation = Operation.PRODUCE, resource = ResourceType.TOPIC, anywhere = true)
    @POST
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Register an idempotent producer, owned by the caller")
    @APIResponse(
            responseCode = "201",
            description = "its id, at epoch 0",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Producer")))
    public Uni<Response> register() {
        return registry.register(caller.principal().name())
                .map(r -> Response.status(201).entity(body(r)).build());
    }

    @Requires(operation = Operation.PRODUCE, resource = ResourceType.TOPIC, anywhere = true)
    @POST
    @Path("/{id}/epoch")
    @Consumes(MediaType.WILDCARD)
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Bump a producer's epoch from its current one, fencing older instances")
    @RequestBody(
            required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "EpochBump")))
    @APIResponse(
            responseCode = "200",
            description = "the producer at its new epoch",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Producer")))
    @APIResponse(responseCode = "404", ref = "Problem404")
    @APIResponse(responseCode = "409", ref = "Problem409")
    public Uni<ObjectNode> bumpEpoch(@PathParam("id") String id, byte[] body) {
        long producerId;
        try {
            producerId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            producerId = -1;
        }
        if (producerId < 0) {
            throw new EddyException(
                    ErrorCode.INVALID_PARAMETER,
                    "a producer id is a non-negative integer, not '" + id + "'",
                    Map.of("parameter", "id"));
        }
        short epoch = presentedEpoch(body);
        return registry.bumpEpoch(producerId, epoch, caller.principal().name()).map(ProducersResource::body);
    }

    /** The {@code epoch} of a {@code {"epoch": <current epoch>}} body: 0 to 32767. */
    private short presentedEpoch(byte[] body) {
        String expected = "send {\"epoch\": <the producer's current epoch>}";
        if (body == null || body.length == 0) {
            throw new EddyException(
                    ErrorCode.INVALID_REQUEST, "a bump presents the producer's current epoch: " + expected);
        }
        limits.check(body);
        JsonNode root = json.parse(body);
        if (!root.isObject()) {
            throw new EddyException(ErrorCode.INVALID_REQUEST, "the body must be an object: " + expected);
        }
        JsonRecords.rejectUnknownFields(root, Set.of("epoch"), "the body");
        JsonNode epoch = root.get("epoch");
        if (epoch == null
                || !epoch.isIntegralNumber()
                || !epoch.canConvertToInt()
                || epoch.asInt() < 0
                || epoch.asInt() > Short.MAX_VALUE) {
            throw new EddyException(
                    ErrorCode.INVALID_REQUEST,
                    "'epoch' must be an integer from 0 to " + Short.MAX_VALUE + ": " + expected,
                    Map.of("field", "epoch"));
        }
        return (short) epoch.asInt();
    }

    private static ObjectNode body(ProducerRegistry.Registration r) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("producer_id", r.producerId())
                .put("epoch", r.epoch());
    }
}
