package io.eddy.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.cache.BlockCache;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.fetch.ReadCaches;
import io.eddy.core.produce.ProduceMetrics;
import io.eddy.core.storage.s3.S3RequestCounter;
import io.eddy.runtime.auth.Requires;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /v1/stats}: S3 requests sent by kind, the cache's, the write path's and the read path's counters, for
 * operators and tests. Shared by the functions that serve HTTP: the ingest function reports its write path, the
 * fetch function its cache and read path, the server all of them. A process without the read path (the ingest
 * function: {@code FetchService} is fetch-fn's) reports no replica fallbacks, as it never reads.
 */
@Path("/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class StatsResource {
    private final S3RequestCounter s3;
    private final ProduceMetrics produce;
    private final ReadCaches caches;
    private final Instance<FetchService> fetch;

    public StatsResource(S3RequestCounter s3, ProduceMetrics produce, ReadCaches caches, Instance<FetchService> fetch) {
        this.s3 = s3;
        this.produce = produce;
        this.caches = caches;
        this.fetch = fetch;
    }

    @GET
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "This instance's counters: S3 requests, cache tiers, write path")
    @APIResponse(
            responseCode = "200",
            description = "the counters",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Stats")))
    @Requires(operation = Operation.ADMIN, resource = ResourceType.CLUSTER)
    public ObjectNode stats() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode requests = out.putObject("s3").putObject("requests");
        s3.snapshot().forEach(requests::put);
        BlockCache blocks = caches.blocks();
        ObjectNode cache = out.putObject("cache");
        cache.put("block_bytes", blocks.blockBytes());
        cache.putObject("memory")
                .put("hits", blocks.hits())
                .put("misses", blocks.misses())
                .put("joined", blocks.joined())
                .put("bytes", blocks.bytes())
                .put("evictions", blocks.evictions());
        ObjectNode disk = cache.putObject("disk");
        blocks.disk()
                .ifPresentOrElse(
                        d -> disk.put("enabled", true)
                                .put("hits", d.hits())
                                .put("misses", d.misses())
                                .put("bytes", d.bytes())
                                .put("evictions", d.evictions())
                                .put("corrupt", d.corrupt())
                                .put("write_failures", d.writeFailures()),
                        () -> disk.put("enabled", false));
        cache.putObject("s3").put("gets", blocks.storageGets()).put("bytes", blocks.storageBytes());
        cache.putObject("index")
                .put("hits", caches.index().hits())
                .put("misses", caches.index().misses());
        cache.putObject("pools")
                .put("tail_queued", caches.tailGets().queued())
                .put("catch_up_queued", caches.catchUpGets().queued());
        ObjectNode writes = out.putObject("produce");
        produce.snapshot().forEach(writes::put);
        out.putObject("fetch")
                .put("replica_fallbacks", fetch.isResolvable() ? fetch.get().replicaFallbacks() : 0);
        return out;
    }
}
