package io.eddy.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.core.cache.BlockCache;
import io.eddy.core.format.InflateLimits;
import io.eddy.core.idempotency.IdempotencyKeys;
import io.eddy.core.produce.Appender;
import io.eddy.core.produce.FlushExecutor;
import io.eddy.core.produce.GroupCommitAppender;
import io.eddy.core.produce.ProduceMetrics;
import io.eddy.core.produce.ProduceService;
import io.eddy.core.produce.ProducerRegistry;
import io.eddy.core.produce.QueueLimits;
import io.eddy.core.produce.WriteThroughCache;
import io.eddy.core.produce.lease.LeaderLeases;
import io.eddy.core.produce.lease.Leases;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.ObjectKeys;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.storage.dynamo.DynamoIdempotencyKeys;
import io.eddy.core.support.RetryPolicy;
import io.eddy.core.tail.TailSignals;
import io.eddy.core.topic.TopicService;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.auth.Caller;
import io.eddy.runtime.metrics.CountedLeases;
import io.eddy.runtime.metrics.EddyMeters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The ingest function's own wiring: the write path (a flush per request, or group commit under leases in server
 * mode), producer ids, Idempotency-Key handling, the pool that validates binary produces.
 */
@ApplicationScoped
public class IngestWiring {

    @Produces
    @Singleton
    Appender appender(
            MetadataStore metadata,
            SegmentStore segments,
            BlockCache cache,
            TailSignals signals,
            EddyConfig config,
            ProduceMetrics metrics,
            ObjectKeys keys,
            Clock clock,
            EddyMeters meters) {
        EddyConfig.Produce produce = config.produce();
        LeaderLeases leases = produce.serverMode()
                ? new CountedLeases(
                        new Leases(
                                metadata,
                                "eddy-" + UUID.randomUUID(),
                                produce.leaseDuration(),
                                produce.leaseDuration().dividedBy(5),
                                clock),
                        meters)
                : LeaderLeases.none();
        FlushExecutor executor = new FlushExecutor(
                metadata,
                segments,
                keys,
                config.cache().populateOnWrite() ? cache::putObject : WriteThroughCache.none(),
                signals,
                FlushExecutor.CONFLICT_RETRY,
                leases,
                metrics,
                clock,
                produce.producerExpiry());
        if (!produce.serverMode()) {
            return executor;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "eddy-group-commit");
            t.setDaemon(true);
            return t;
        });
        return new GroupCommitAppender(
                executor,
                produce.linger(),
                produce.segmentMaxBytes(),
                produce.flushesInFlight(),
                new QueueLimits(produce.laneMaxBytes(), produce.queueMaxBytes()),
                timer,
                System::nanoTime);
    }

    @Produces
    @Singleton
    ProduceService produceService(TopicService topics, Appender appender, Clock clock) {
        return new ProduceService(topics, appender, clock);
    }

    @Produces
    @Singleton
    ProducerRegistry producerRegistry(MetadataStore metadata, Clock clock) {
        return new ProducerRegistry(metadata, clock);
    }

    @Produces
    @Singleton
    IdempotencyKeys idempotencyKeys(DynamoDbAsyncClient dynamo, EddyConfig config, RetryPolicy retry) {
        return new DynamoIdempotencyKeys(dynamo, config.table(), retry);
    }

    @Produces
    @Singleton
    IdempotentRequests idempotentRequests(
            IdempotencyKeys keys, ObjectMapper mapper, EddyConfig config, Clock clock, Caller caller) {
        // the caller is request-scoped: this proxy names the principal of whichever request asks
        return new IdempotentRequests(
                keys,
                mapper,
                clock,
                config.produce().idempotencyKeyTtl(),
                () -> caller.principal().name());
    }

    @Produces
    @Singleton
    BatchValidation batchValidation(EddyConfig config) {
        EddyConfig.Produce p = config.produce();
        return new BatchValidation(
                p.validationThreads().orElse(Runtime.getRuntime().availableProcessors()),
                new InflateLimits(p.maxInflatedBatchBytes(), p.maxInflatedRequestBytes()));
    }

    void closeBatchValidation(@Disposes BatchValidation validation) {
        validation.close();
    }
}
