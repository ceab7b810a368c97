package io.eddy.fetch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchService;
import io.eddy.edge.Params;
import io.eddy.edge.json.JsonRecords;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.Map;

/** Reads: {@code GET /v1/topics/{topic}/partitions/{p}/records} and {@code …/offsets}. */
@Path("/v1/topics/{topic}/partitions/{partition}")
@Produces(MediaType.APPLICATION_JSON)
public class FetchResource {
    private final FetchService fetch;
    private final JsonRecords json;

    public FetchResource(FetchService fetch, JsonRecords json) {
        this.fetch = fetch;
        this.json = json;
    }

    @GET
    @Path("/records")
    public Uni<ObjectNode> records(@PathParam("topic") String topic, @PathParam("partition") String partition,
                                   @QueryParam("offset") String offset, @QueryParam("max_records") String maxRecords,
                                   @QueryParam("max_bytes") String maxBytes, @QueryParam("wait_ms") String waitMs,
                                   @QueryParam("encoding") String encoding) {
        boolean base64 = encoding("encoding", encoding);
        FetchRequest request = new FetchRequest(topic, Params.partition(partition),
                Params.longValue("offset", offset, 0, Long.MAX_VALUE, 0),
                (int) Params.longValue("max_records", maxRecords, 1, FetchRequest.MAX_MAX_RECORDS, FetchRequest.DEFAULT_MAX_RECORDS),
                (int) Params.longValue("max_bytes", maxBytes, 1, FetchRequest.MAX_MAX_BYTES, FetchRequest.DEFAULT_MAX_BYTES),
                Duration.ofMillis(Params.longValue("wait_ms", waitMs, 0, FetchRequest.MAX_WAIT.toMillis(), 0)));
        return fetch.fetch(request).map(r -> json.fetched(r, base64));
    }

    @GET
    @Path("/offsets")
    public Uni<ObjectNode> offsets(@PathParam("topic") String topic, @PathParam("partition") String partition,
                                   @QueryParam("at") String at) {
        FetchService.OffsetSpec spec;
        if (at == null || at.isEmpty() || at.equals("latest")) {
            spec = new FetchService.Latest();
        } else if (at.equals("earliest")) {
            spec = new FetchService.Earliest();
        } else {
            try {
                spec = new FetchService.AtTimestamp(Params.longValue("at", at, 0, Long.MAX_VALUE));
            } catch (EddyException e) {
                throw new EddyException(ErrorCode.INVALID_PARAMETER,
                        "'at' must be earliest, latest or a timestamp in epoch milliseconds, not '" + at + "'",
                        Map.of("parameter", "at"));
            }
        }
        return fetch.offsetAt(topic, Params.partition(partition), spec)
                .map(o -> JsonNodeFactory.instance.objectNode().put("offset", o));
    }

    private static boolean encoding(String name, String raw) {
        if (raw == null || raw.isEmpty() || raw.equals("json")) {
            return false;
        }
        if (raw.equals("base64")) {
            return true;
        }
        throw new EddyException(ErrorCode.INVALID_PARAMETER, "'" + name + "' must be json or base64, not '" + raw + "'",
                Map.of("parameter", name));
    }
}
