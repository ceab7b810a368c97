package io.eddy.kafka.fetch;

import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaServices;
import io.eddy.kafka.TopicIds;
import java.util.List;

/** The reading APIs: Fetch, ListOffsets and OffsetForLeaderEpoch over core's fetch service. Stateless. */
public final class FetchApis {
    private FetchApis() {}

    /** The handlers of the reading APIs for this instance. */
    public static List<ApiHandler> handlers(KafkaServices services, BrokerNode self, KafkaErrors errors) {
        PartitionAnswers answers = new PartitionAnswers(errors);
        return List.of(
                new FetchHandler(services.fetch(), new TopicIds(services.topics()), answers),
                new ListOffsetsHandler(services.fetch(), answers),
                new OffsetForLeaderEpochHandler(services.fetch(), answers));
    }
}
