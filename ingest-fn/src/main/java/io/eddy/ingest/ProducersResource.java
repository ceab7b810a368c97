package io.eddy.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.produce.ProducerRegistry;
import io.eddy.edge.auth.Requires;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * Idempotent producers: {@code POST /v1/producers} registers one ({@code producer_id}, {@code epoch} 0);
 * {@code POST /v1/producers/{id}/epoch} bumps its epoch, fencing every older instance.
 */
@Path("/v1/producers")
@Produces(MediaType.APPLICATION_JSON)
public class ProducersResource {
    private final ProducerRegistry registry;

    public ProducersResource(ProducerRegistry registry) {
        this.registry = registry;
    }

    @Requires(operation = Operation.PRODUCE, resource = ResourceType.TOPIC, anywhere = true)
    @POST
    public Uni<Response> register() {
        return registry.register().map(r -> Response.status(201).entity(body(r)).build());
    }

    @Requires(operation = Operation.PRODUCE, resource = ResourceType.TOPIC, anywhere = true)
    @POST
    @Path("/{id}/epoch")
    public Uni<ObjectNode> bumpEpoch(@PathParam("id") String id) {
        long producerId;
        try {
            producerId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            producerId = -1;
        }
        if (producerId < 0) {
            throw new EddyException(ErrorCode.INVALID_PARAMETER, "a producer id is a non-negative integer, not '" + id + "'",
                    Map.of("parameter", "id"));
        }
        return registry.bumpEpoch(producerId).map(ProducersResource::body);
    }

    private static ObjectNode body(ProducerRegistry.Registration r) {
        return JsonNodeFactory.instance.objectNode().put("producer_id", r.producerId()).put("epoch", r.epoch());
    }
}
