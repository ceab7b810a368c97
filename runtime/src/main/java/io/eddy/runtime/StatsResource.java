package io.eddy.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.cache.BlockCache;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.fetch.ReadCaches;
import io.eddy.core.produce.ProduceMetrics;
import io.eddy.core.storage.dynamo.DynamoRequestCounter;
import io.eddy.core.storage.s3.S3RequestCounter;
import io.eddy.runtime.auth.Requires;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /v1/stats}: S3 and DynamoDB requests sent by kind, the cache's, the write path's and the read path's counters, for
 * operators and tests. Shared by the functions that serve HTTP: the ingest function reports its write path, the
 * fetch function its cache and read path, the server all of them. A process without the read path (the ingest
 * function: {@code FetchService} is fetch-fn's) reports no replica fallbacks, as it never reads.
 */
@Path("/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {
    private final S3RequestCounter s3;
    private final DynamoRequestCounter dynamo;
    private final ProduceMetrics produce;
    private final ReadCaches caches;
    private final Instance<FetchService> fetch;

    public StatsResource(
            S3RequestCounter s3,
            DynamoRequestCounter dynamo,
            ProduceMetrics produce,
            ReadCaches caches,
            Instance<FetchService> fetch) {
        this.s3 = s3;
        this.dynamo = dynamo;
        this.produce = produce;
        this.caches = caches;
        this.fetch = fetch;
    }

    @GET
    @Requires(operation = Operation.ADMIN, resource = ResourceType.CLUSTER)
    public ObjectNode stats() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode requests = out.putObject("s3").putObject("requests");
        s3.snapshot().forEach(requests::put);
        ObjectNode dynamoRequests = out.putObject("dynamodb").putObject("requests");
        dynamo.snapshot().forEach(dynamoRequests::put);
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
        ObjectNode reads = out.putObject("fetch");
        reads.put("replica_fallbacks", fetch.isResolvable() ? fetch.get().replicaFallbacks() : 0);
        if (fetch.isResolvable()) {
            reads.put("partition_fetches", fetch.get().partitionFetches())
                    .put("head_reads", fetch.get().headReads())
                    .put("index_queries", fetch.get().indexQueries());
        }
        return out;
    }
}
