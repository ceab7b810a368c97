package io.eddy.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.produce.ProduceService;
import io.eddy.edge.Params;
import io.eddy.edge.RequestLimits;
import io.eddy.edge.json.JsonRecords;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Produce: {@code POST /v1/topics/{topic}/records} and {@code …/partitions/{p}/records}. */
@Path("/v1/topics/{topic}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProduceResource {
    private final ProduceService produce;
    private final JsonRecords json;
    private final RequestLimits limits;

    public ProduceResource(ProduceService produce, JsonRecords json, RequestLimits limits) {
        this.produce = produce;
        this.json = json;
        this.limits = limits;
    }

    @POST
    @Path("/records")
    public Uni<ObjectNode> produce(@PathParam("topic") String topic, @QueryParam("atomic") String atomic, byte[] body) {
        return produce(topic, -1, atomic, body);
    }

    @POST
    @Path("/partitions/{partition}/records")
    public Uni<ObjectNode> produceToPartition(@PathParam("topic") String topic, @PathParam("partition") String partition,
                                              @QueryParam("atomic") String atomic, byte[] body) {
        return produce(topic, Params.partition(partition), atomic, body);
    }

    private Uni<ObjectNode> produce(String topic, int partition, String atomic, byte[] body) {
        limits.check(body);
        var request = json.parseProduce(body, partition, Params.flag("atomic", atomic));
        return produce.produce(topic, request).map(json::offsets);
    }
}
