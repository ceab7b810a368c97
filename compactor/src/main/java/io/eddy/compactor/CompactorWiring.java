package io.eddy.compactor;

import io.eddy.core.compact.CompactionExecutor;
import io.eddy.core.compact.CompactionPolicy;
import io.eddy.core.compact.Compactor;
import io.eddy.core.compact.GarbageCollector;
import io.eddy.core.fetch.ReadCaches;
import io.eddy.core.replica.ReplicaRepair;
import io.eddy.core.storage.BucketAllowList;
import io.eddy.core.storage.CompactionStore;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.ObjectKeys;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.storage.dynamo.DynamoCompactionStore;
import io.eddy.core.support.RetryPolicy;
import io.eddy.core.topic.TopicService;
import io.eddy.runtime.EddyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The compactor's wiring: its store, policy and executor; index swaps invalidate this process's index cache. */
@ApplicationScoped
public class CompactorWiring {

    @Produces
    @Singleton
    CompactionPolicy compactionPolicy(EddyConfig config) {
        EddyConfig.Compactor c = config.compactor();
        return new CompactionPolicy(
                c.tierBaseBytes(),
                c.fanout(),
                c.maxObjectBytes(),
                c.minCleanableDirtyRatio(),
                c.replacedGrace(),
                c.orphanGrace(),
                c.leaseDuration());
    }

    @Produces
    @Singleton
    Compactor compactor(
            DynamoDbAsyncClient dynamo,
            EddyConfig config,
            TopicService topics,
            MetadataStore metadata,
            SegmentStore segments,
            ReadCaches caches,
            CompactionPolicy policy,
            ObjectKeys keys,
            BucketAllowList buckets,
            RetryPolicy retry,
            Clock clock) {
        CompactionStore store = new DynamoCompactionStore(dynamo, config.table(), retry);
        CompactionExecutor executor = new CompactionExecutor(
                store,
                segments,
                keys,
                clock,
                (topicId, partition) -> caches.index().invalidate(topicId, partition));
        return new Compactor(
                topics,
                metadata,
                store,
                executor,
                new GarbageCollector(store, metadata, segments, clock),
                new ReplicaRepair(metadata, store, segments, keys, buckets, clock),
                policy,
                "compactor-" + UUID.randomUUID(),
                config.bucket(),
                buckets,
                clock);
    }
}
