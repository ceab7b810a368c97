package io.eddy.runtime.metrics;

import io.eddy.core.cache.BlockCache;
import io.eddy.core.cache.DiskBlockStore;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.fetch.ReadCaches;
import io.eddy.core.produce.ProduceMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Registers core's own counters (the write path's {@link ProduceMetrics}, the cache tiers, the read pools) as
 * function counters and gauges, read when scraped: the registry is the one place {@code /q/metrics}, EMF and
 * {@code /v1/stats} take them from. The names below are the contract {@code StatsResource} reads them back by.
 */
public final class CoreMeters {
    /** The write path's counters: {@link ProduceMetrics#snapshot()}'s names to meter names. */
    public static final Map<String, String> PRODUCE = produceNames();

    public static final String CACHE_HITS = "eddy.cache.hits";
    public static final String CACHE_MISSES = "eddy.cache.misses";
    public static final String CACHE_EVICTIONS = "eddy.cache.evictions";
    public static final String CACHE_SIZE = "eddy.cache.size";
    public static final String CACHE_JOINED = "eddy.cache.joined";
    public static final String CACHE_BLOCK_SIZE = "eddy.cache.block.size";
    public static final String CACHE_DISK_CORRUPT = "eddy.cache.disk.corrupt";
    public static final String CACHE_DISK_WRITE_FAILURES = "eddy.cache.disk.write.failures";
    public static final String CACHE_STORAGE_GETS = "eddy.cache.storage.gets";
    public static final String CACHE_STORAGE_READ = "eddy.cache.storage.read";
    public static final String POOL_QUEUED = "eddy.fetch.pool.queued";
    public static final String FETCH_REPLICA_FALLBACKS = "eddy.fetch.replica.fallbacks";
    public static final String S3_ATTEMPTS = "eddy.s3.attempts";
    public static final String DYNAMODB_ATTEMPTS = "eddy.dynamodb.attempts";
    public static final String FETCH_PARTITIONS = "eddy.fetch.partition.fetches";
    public static final String FETCH_HEAD_READS = "eddy.fetch.head.reads";
    public static final String FETCH_INDEX_QUERIES = "eddy.fetch.index.queries";

    private CoreMeters() {}

    private static Map<String, String> produceNames() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("flushes", "eddy.flushes");
        names.put("requests", "eddy.flush.requests");
        names.put("segment_puts", "eddy.segment.puts");
        names.put("transactions", "eddy.commit.transactions");
        names.put("bytes", "eddy.flushed.bytes");
        names.put("records", "eddy.flushed.records");
        names.put("replica_fallbacks", "eddy.produce.replica.fallbacks");
        names.put("duplicates", "eddy.produce.duplicates");
        names.put("leases_lost", "eddy.lease.losses");
        names.put("transaction_items", "eddy.commit.transaction.items");
        names.put("transaction_reported_wru", "eddy.commit.transaction.reported.wru");
        names.put("redecided", "eddy.flush.redecided");
        return Collections.unmodifiableMap(names);
    }

    /** Registers the write path's counters. */
    public static void bindProduce(MeterRegistry registry, ProduceMetrics produce) {
        PRODUCE.forEach((key, name) -> FunctionCounter.builder(
                        name, produce, p -> p.snapshot().getOrDefault(key, 0L))
                .register(registry));
    }

    /** Registers the cache tiers' and read pools' meters. */
    public static void bindCaches(MeterRegistry registry, ReadCaches caches) {
        BlockCache blocks = caches.blocks();
        Tags memory = Tags.of("tier", "memory");
        counter(registry, CACHE_HITS, memory, blocks, BlockCache::hits);
        counter(registry, CACHE_MISSES, memory, blocks, BlockCache::misses);
        counter(registry, CACHE_EVICTIONS, memory, blocks, BlockCache::evictions);
        counter(registry, CACHE_JOINED, memory, blocks, BlockCache::joined);
        Gauge.builder(CACHE_SIZE, blocks, BlockCache::bytes)
                .tags(memory)
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder(CACHE_BLOCK_SIZE, blocks, BlockCache::blockBytes)
                .baseUnit("bytes")
                .register(registry);
        counter(registry, CACHE_STORAGE_GETS, Tags.empty(), blocks, BlockCache::storageGets);
        FunctionCounter.builder(CACHE_STORAGE_READ, blocks, BlockCache::storageBytes)
                .baseUnit("bytes")
                .register(registry);
        blocks.disk().ifPresent(disk -> {
            Tags tier = Tags.of("tier", "disk");
            counter(registry, CACHE_HITS, tier, disk, DiskBlockStore::hits);
            counter(registry, CACHE_MISSES, tier, disk, DiskBlockStore::misses);
            counter(registry, CACHE_EVICTIONS, tier, disk, DiskBlockStore::evictions);
            Gauge.builder(CACHE_SIZE, disk, DiskBlockStore::bytes)
                    .tags(tier)
                    .baseUnit("bytes")
                    .register(registry);
            counter(registry, CACHE_DISK_CORRUPT, Tags.empty(), disk, DiskBlockStore::corrupt);
            counter(registry, CACHE_DISK_WRITE_FAILURES, Tags.empty(), disk, DiskBlockStore::writeFailures);
        });
        Tags index = Tags.of("tier", "index");
        counter(registry, CACHE_HITS, index, caches.index(), c -> c.hits());
        counter(registry, CACHE_MISSES, index, caches.index(), c -> c.misses());
        Gauge.builder(POOL_QUEUED, caches.tailGets(), p -> p.queued())
                .tag("pool", "tail")
                .register(registry);
        Gauge.builder(POOL_QUEUED, caches.catchUpGets(), p -> p.queued())
                .tag("pool", "catch_up")
                .register(registry);
    }

    /** Registers the read path's counters: replica fallbacks, partition fetches, head reads and index queries. */
    public static void bindFetch(MeterRegistry registry, FetchService fetch) {
        counter(registry, FETCH_REPLICA_FALLBACKS, Tags.empty(), fetch, FetchService::replicaFallbacks);
        counter(registry, FETCH_PARTITIONS, Tags.empty(), fetch, FetchService::partitionFetches);
        counter(registry, FETCH_HEAD_READS, Tags.empty(), fetch, FetchService::headReads);
        counter(registry, FETCH_INDEX_QUERIES, Tags.empty(), fetch, FetchService::indexQueries);
    }

    private static <T> void counter(
            MeterRegistry registry, String name, Tags tags, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).tags(tags).register(registry);
    }
}
