package io.eddy.kafka.group;

import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaServices;
import java.util.List;

/**
 * Kafka's classic group protocol and offsets over core's consumer groups: FindCoordinator, JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, OffsetDelete. Stateless.
 */
public final class ClassicGroupApis {
    private ClassicGroupApis() {}

    public static List<ApiHandler> handlers(KafkaServices services, BrokerNode self, KafkaErrors errors) {
        return handlers(services, self, errors, ClassicSettings.defaults());
    }

    public static List<ApiHandler> handlers(
            KafkaServices services, BrokerNode self, KafkaErrors errors, ClassicSettings settings) {
        ClassicGroupRunner runner = new ClassicGroupRunner(
                services.groups().classic(), new ClassicCoordinator(settings), settings, services.clock());
        return List.of(
                new FindCoordinatorHandler(self),
                new JoinGroupHandler(runner, errors),
                new SyncGroupHandler(runner, errors),
                new HeartbeatHandler(runner, errors),
                new LeaveGroupHandler(runner, errors),
                new OffsetCommitHandler(services.groups(), services.topics(), errors, services.clock()),
                new OffsetFetchHandler(services.groups(), errors),
                new OffsetDeleteHandler(services.groups(), errors, services.clock()));
    }
}
