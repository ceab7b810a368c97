package io.eddy.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.core.cache.BlockCache;
import io.eddy.core.cache.DiskBlockStore;
import io.eddy.core.cache.IndexCache;
import io.eddy.core.fetch.ReadCaches;
import io.eddy.core.produce.ProduceMetrics;
import io.eddy.core.storage.BucketAllowList;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.ObjectKeys;
import io.eddy.core.storage.ResourceBootstrap;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.storage.dynamo.DynamoMetadataStore;
import io.eddy.core.storage.s3.S3RequestCounter;
import io.eddy.core.storage.s3.S3SegmentStore;
import io.eddy.core.support.AsyncLimiter;
import io.eddy.core.support.RetryPolicy;
import io.eddy.core.tail.TailSignals;
import io.eddy.core.topic.TopicService;
import io.eddy.runtime.json.JsonRecords;
import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.SdkCallMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Builds what every function shares from {@link EddyConfig}: the AWS clients, the stores, the caches, topics and the
 * write path's counters; one instance of each per process. Each function wires its own services on top
 * ({@code IngestWiring}, {@code FetchWiring}, {@code CompactorWiring}).
 */
@ApplicationScoped
public class EddyWiring {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    S3RequestCounter s3RequestCounter() {
        return new S3RequestCounter();
    }

    @Produces
    @Singleton
    DynamoDbAsyncClient dynamo(EddyConfig config, MeterRegistry registry) {
        var builder = DynamoDbAsyncClient.builder()
                .region(Region.of(config.aws().region()))
                .credentialsProvider(credentials(config))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(o -> {
                    o.addExecutionInterceptor(new SdkCallMeters(registry, "dynamodb"));
                    config.aws().apiCallAttemptTimeout().ifPresent(o::apiCallAttemptTimeout);
                });
        config.aws().dynamodbEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    void closeDynamo(@Disposes DynamoDbAsyncClient client) {
        client.close();
    }

    @Produces
    @Singleton
    S3AsyncClient s3(EddyConfig config, S3RequestCounter counter, MeterRegistry registry) {
        var builder = S3AsyncClient.builder()
                .region(Region.of(config.aws().region()))
                .credentialsProvider(credentials(config))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .overrideConfiguration(o -> {
                    o.addExecutionInterceptor(counter);
                    o.addExecutionInterceptor(new SdkCallMeters(registry, "s3"));
                    config.aws().apiCallAttemptTimeout().ifPresent(o::apiCallAttemptTimeout);
                });
        config.aws()
                .s3Endpoint()
                .ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
        return builder.build();
    }

    void closeS3(@Disposes S3AsyncClient client) {
        client.close();
    }

    private static AwsCredentialsProvider credentials(EddyConfig config) {
        if (config.aws().accessKey().isPresent() && config.aws().secretKey().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    config.aws().accessKey().get(), config.aws().secretKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** The one retry policy of every store's calls to S3 and DynamoDB ({@code eddy.storage.retry.*}). */
    @Produces
    @Singleton
    RetryPolicy storageRetry(EddyConfig config) {
        EddyConfig.Retry r = config.storage().retry();
        return new RetryPolicy(r.maxAttempts(), r.baseBackoff(), r.maxBackoff(), r.jitter());
    }

    @Produces
    @Singleton
    MetadataStore metadataStore(DynamoDbAsyncClient dynamo, EddyConfig config, RetryPolicy retry) {
        return new DynamoMetadataStore(dynamo, config.table(), retry);
    }

    @Produces
    @Singleton
    SegmentStore segmentStore(S3AsyncClient s3, RetryPolicy retry) {
        return new S3SegmentStore(s3, retry);
    }

    @Produces
    @Singleton
    BlockCache blockCache(EddyConfig config) {
        EddyConfig.Cache c = config.cache();
        return new BlockCache(
                c.maxBytes(),
                c.recentBytes(),
                c.blockBytes(),
                c.diskDir().map(dir -> new DiskBlockStore(dir, c.diskMaxBytes())));
    }

    void closeBlockCache(@Disposes BlockCache cache) {
        cache.close();
    }

    @Produces
    @Singleton
    ReadCaches readCaches(BlockCache blocks, EddyConfig config) {
        EddyConfig.Cache c = config.cache();
        return new ReadCaches(
                blocks,
                new IndexCache(
                        c.indexPartitions(),
                        c.indexEntriesPerPartition(),
                        c.indexEntries(),
                        IndexCache.DEFAULT_TTL,
                        System::nanoTime),
                new AsyncLimiter("tail-gets", c.tailGets()),
                new AsyncLimiter("catch-up-gets", c.catchUpGets()),
                c.readAheadBlocks(),
                c.tailBytes());
    }

    @Produces
    @Singleton
    TailSignals tailSignals() {
        return new TailSignals();
    }

    @Produces
    @Singleton
    BucketAllowList bucketAllowList(EddyConfig config) {
        return BucketAllowList.of(config.bucket(), config.storage().buckets().orElse(List.of()));
    }

    @Produces
    @Singleton
    TopicService topicService(MetadataStore metadata, EddyConfig config, BucketAllowList buckets, Clock clock) {
        return new TopicService(metadata, config.bucket(), buckets, clock, config.topicCacheTtl());
    }

    @Produces
    @Singleton
    ProduceMetrics produceMetrics(EddyMeters meters) {
        return new ProduceMetrics(meters::flushed);
    }

    /** A bean of its own so that a Lambda's SnapStart restore hook can reseed it ({@link ObjectKeys#reseed()}). */
    @Produces
    @Singleton
    ObjectKeys objectKeys(Clock clock) {
        return new ObjectKeys(clock);
    }

    @Produces
    @Singleton
    JsonRecords jsonRecords(ObjectMapper mapper) {
        return new JsonRecords(mapper);
    }

    void bootstrap(@Observes StartupEvent event, EddyConfig config, DynamoDbAsyncClient dynamo, S3AsyncClient s3) {
        if (config.bootstrap().createResources()) {
            ResourceBootstrap.ensureTable(dynamo, config.table());
            ResourceBootstrap.ensureBuckets(s3, List.of(config.bucket()));
        }
    }
}
