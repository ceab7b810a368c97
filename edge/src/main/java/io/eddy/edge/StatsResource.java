package io.eddy.edge;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.cache.RangeCache;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.produce.ProduceMetrics;
import io.eddy.core.storage.s3.S3RequestCounter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/stats}: S3 requests sent by kind, the cache's, the write path's and the read path's counters, for operators and tests. */
@Path("/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {
    private final S3RequestCounter s3;
    private final RangeCache cache;
    private final ProduceMetrics produce;
    private final FetchService fetch;

    public StatsResource(S3RequestCounter s3, RangeCache cache, ProduceMetrics produce, FetchService fetch) {
        this.s3 = s3;
        this.cache = cache;
        this.produce = produce;
        this.fetch = fetch;
    }

    @GET
    public ObjectNode stats() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode requests = out.putObject("s3").putObject("requests");
        s3.snapshot().forEach(requests::put);
        out.putObject("cache").put("hits", cache.hits()).put("misses", cache.misses()).put("bytes", cache.weightedBytes());
        ObjectNode writes = out.putObject("produce");
        produce.snapshot().forEach(writes::put);
        out.putObject("fetch").put("replica_fallbacks", fetch.replicaFallbacks());
        return out;
    }
}
