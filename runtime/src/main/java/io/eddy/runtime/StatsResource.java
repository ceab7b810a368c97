package io.eddy.runtime;

import static io.eddy.runtime.metrics.CoreMeters.CACHE_BLOCK_SIZE;
import static io.eddy.runtime.metrics.CoreMeters.CACHE_DISK_CORRUPT;
import static io.eddy.runtime.metrics.CoreMeters.CACHE_DISK_WRITE_FAILURES;
import static io.eddy.runtime.metrics.CoreMeters.CACHE_EVICTIONS;
import static io.eddy.runtime.metrics.CoreMeters.CACHE_HITS;
import static io.eddy.runtime.metrics.CoreMeters.CACHE_JOINED;
import static io.eddy.runtime.metrics.CoreMeters.CACHE_MISSES;
import static io.eddy.runtime.metrics.CoreMeters.CACHE_SIZE;
import static io.eddy.runtime.metrics.CoreMeters.CACHE_STORAGE_GETS;
import static io.eddy.runtime.metrics.CoreMeters.CACHE_STORAGE_READ;
import static io.eddy.runtime.metrics.CoreMeters.DYNAMODB_ATTEMPTS;
import static io.eddy.runtime.metrics.CoreMeters.FETCH_HEAD_READS;
import static io.eddy.runtime.metrics.CoreMeters.FETCH_INDEX_QUERIES;
import static io.eddy.runtime.metrics.CoreMeters.FETCH_PARTITIONS;
import static io.eddy.runtime.metrics.CoreMeters.FETCH_REPLICA_FALLBACKS;
import static io.eddy.runtime.metrics.CoreMeters.POOL_QUEUED;
import static io.eddy.runtime.metrics.CoreMeters.S3_ATTEMPTS;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.runtime.auth.Requires;
import io.eddy.runtime.metrics.CoreMeters;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /v1/stats}: S3 requests sent by kind, the cache's, the write path's and the read path's counters, for
 * operators and tests, read from the meter registry that {@code /q/metrics} exposes (one source of truth; the
 * names are {@link CoreMeters}'). Shared by the functions that serve HTTP: the ingest function reports its write
 * path, the fetch function its cache and read path, the server all of them. A process without the read path (the
 * ingest function) reports no replica fallbacks, as it never reads.
 */
@Path("/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class StatsResource {
    private final MeterRegistry registry;

    public StatsResource(MeterRegistry registry) {
        this.registry = registry;
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
        Map<String, Long> byOperation = new TreeMap<>();
        registry.find(S3_ATTEMPTS)
                .meters()
                .forEach(m -> byOperation.merge(m.getId().getTag("operation"), value(m), Long::sum));
        byOperation.forEach(requests::put);
        ObjectNode dynamoRequests = out.putObject("dynamodb").putObject("requests");
        Map<String, Long> dynamoByOperation = new TreeMap<>();
        registry.find(DYNAMODB_ATTEMPTS)
                .meters()
                .forEach(m -> dynamoByOperation.merge(m.getId().getTag("operation"), value(m), Long::sum));
        dynamoByOperation.forEach(dynamoRequests::put);
        ObjectNode cache = out.putObject("cache");
        cache.put("block_bytes", value(CACHE_BLOCK_SIZE));
        cache.putObject("memory")
                .put("hits", value(CACHE_HITS, "tier", "memory"))
                .put("misses", value(CACHE_MISSES, "tier", "memory"))
                .put("joined", value(CACHE_JOINED, "tier", "memory"))
                .put("bytes", value(CACHE_SIZE, "tier", "memory"))
                .put("evictions", value(CACHE_EVICTIONS, "tier", "memory"));
        ObjectNode disk = cache.putObject("disk");
        if (registry.find(CACHE_HITS).tag("tier", "disk").meter() != null) {
            disk.put("enabled", true)
                    .put("hits", value(CACHE_HITS, "tier", "disk"))
                    .put("misses", value(CACHE_MISSES, "tier", "disk"))
                    .put("bytes", value(CACHE_SIZE, "tier", "disk"))
                    .put("evictions", value(CACHE_EVICTIONS, "tier", "disk"))
                    .put("corrupt", value(CACHE_DISK_CORRUPT))
                    .put("write_failures", value(CACHE_DISK_WRITE_FAILURES));
        } else {
            disk.put("enabled", false);
        }
        cache.putObject("s3").put("gets", value(CACHE_STORAGE_GETS)).put("bytes", value(CACHE_STORAGE_READ));
        cache.putObject("index")
                .put("hits", value(CACHE_HITS, "tier", "index"))
                .put("misses", value(CACHE_MISSES, "tier", "index"));
        cache.putObject("pools")
                .put("tail_queued", value(POOL_QUEUED, "pool", "tail"))
                .put("catch_up_queued", value(POOL_QUEUED, "pool", "catch_up"));
        ObjectNode writes = out.putObject("produce");
        CoreMeters.PRODUCE.forEach((key, name) -> writes.put(key, value(name)));
        out.putObject("fetch")
                .put("replica_fallbacks", value(FETCH_REPLICA_FALLBACKS))
                .put("partition_fetches", value(FETCH_PARTITIONS))
                .put("head_reads", value(FETCH_HEAD_READS))
                .put("index_queries", value(FETCH_INDEX_QUERIES));
        return out;
    }

    /** The sum of the meters of that name and those tags, 0 when there is none. */
    private long value(String name, String... tags) {
        return registry.find(name).tags(tags).meters().stream()
                .mapToLong(StatsResource::value)
                .sum();
    }

    private static long value(Meter meter) {
        double sum = 0;
        for (Measurement m : meter.measure()) {
            sum += m.getValue();
        }
        return Math.round(sum);
    }
}
