package io.eddy.fetch;

import io.eddy.core.fetch.FetchService;
import io.eddy.core.fetch.ReadCaches;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.GroupSettings;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.storage.dynamo.DynamoGroupStore;
import io.eddy.core.support.RetryPolicy;
import io.eddy.core.tail.TailSignals;
import io.eddy.core.topic.TopicService;
import io.eddy.runtime.EddyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The fetch function's own wiring: the read path and consumer groups. */
@ApplicationScoped
public class FetchWiring {

    @Produces
    @Singleton
    FetchService fetchService(
            TopicService topics,
            MetadataStore metadata,
            SegmentStore segments,
            ReadCaches caches,
            TailSignals signals,
            EddyConfig config,
            Clock clock) {
        return new FetchService(
                topics, metadata, segments, caches, signals, config.fetch().headPollInterval(), clock);
    }

    @Produces
    @Singleton
    GroupService groupService(
            DynamoDbAsyncClient dynamo,
            EddyConfig config,
            TopicService topics,
            MetadataStore metadata,
            FetchService fetch,
            RetryPolicy retry,
            Clock clock) {
        EddyConfig.Groups g = config.groups();
        return new GroupService(
                new DynamoGroupStore(dynamo, config.table(), retry),
                topics,
                metadata,
                fetch,
                new GroupSettings(g.heartbeatInterval(), g.minSessionTimeout(), g.maxSessionTimeout()),
                clock);
    }
}
