package io.eddy.kafka.group;

import io.eddy.core.auth.ResourceType;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.DecodedRequest;
import io.smallrye.mutiny.Uni;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator, every version (one key up to v3, a batch of keys from v4): this instance coordinates every
 * group, as it leads every partition (leaderless: the store is the only shared state). Transactions are not
 * supported ({@code COORDINATOR_NOT_AVAILABLE}, so a transactional producer never finds a coordinator), nor
 * share groups ({@code INVALID_REQUEST}, as a broker without them). A group's coordinator is named to whoever
 * holds any grant on the group (Kafka's Describe), else {@code GROUP_AUTHORIZATION_FAILED}. Thread-safe.
 */
final class FindCoordinatorHandler implements ApiHandler {
    private final BrokerNode self;

    FindCoordinatorHandler(BrokerNode self) {
        this.self = self;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.FIND_COORDINATOR.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.FIND_COORDINATOR.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        FindCoordinatorRequestData data = (FindCoordinatorRequestData) request.body();
        byte keyType = request.apiVersion() == 0 ? CoordinatorType.GROUP.id() : data.keyType();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData().setThrottleTimeMs(0);
        if (request.apiVersion() >= 4) {
            for (String key : data.coordinatorKeys()) {
                response.coordinators().add(coordinator(request, keyType, key));
            }
            return Uni.createFrom().item(response);
        }
        Coordinator one = coordinator(request, keyType, data.key());
        return Uni.createFrom()
                .item(response.setErrorCode(one.errorCode())
                        .setErrorMessage(one.errorMessage())
                        .setNodeId(one.nodeId())
                        .setHost(one.host())
                        .setPort(one.port()));
    }

    private Coordinator coordinator(DecodedRequest request, byte keyType, String key) {
        Coordinator c = new Coordinator().setKey(key);
        if (keyType == CoordinatorType.TRANSACTION.id()) {
            return refused(c, Errors.COORDINATOR_NOT_AVAILABLE, "Eddy does not support transactions");
        }
        if (keyType != CoordinatorType.GROUP.id()) {
            return refused(c, Errors.INVALID_REQUEST, "Eddy coordinates consumer groups only");
        }
        if (key == null || key.isEmpty()) {
            return refused(c, Errors.INVALID_REQUEST, "a group id is required");
        }
        if (!request.session().principal().mayDescribe(ResourceType.GROUP, key)) {
            return refused(c, Errors.GROUP_AUTHORIZATION_FAILED, null);
        }
        return c.setErrorCode(Errors.NONE.code())
                .setErrorMessage(null)
                .setNodeId(self.id())
                .setHost(self.host())
                .setPort(self.port());
    }

    private static Coordinator refused(Coordinator c, Errors error, String message) {
        return c.setErrorCode(error.code())
                .setErrorMessage(message == null ? error.message() : message)
                .setNodeId(-1)
                .setHost("")
                .setPort(-1);
    }
}
