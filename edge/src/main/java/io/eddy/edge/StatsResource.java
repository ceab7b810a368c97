package io.eddy.edge;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.cache.RangeCache;
import io.eddy.core.storage.s3.S3RequestCounter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/stats}: S3 requests sent by kind and the cache's counters, for operators and tests. */
@Path("/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {
    private final S3RequestCounter s3;
    private final RangeCache cache;

    public StatsResource(S3RequestCounter s3, RangeCache cache) {
        this.s3 = s3;
        this.cache = cache;
    }

    @GET
    public ObjectNode stats() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode requests = out.putObject("s3").putObject("requests");
        s3.snapshot().forEach(requests::put);
        out.putObject("cache").put("hits", cache.hits()).put("misses", cache.misses()).put("bytes", cache.weightedBytes());
        return out;
    }
}
