package io.eddy.kafka.admin;

import io.eddy.kafka.AuthorizedOperations;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.ClusterId;
import io.eddy.kafka.DecodedRequest;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeCluster: the stored cluster id, and this instance as the one broker and the controller (every instance
 * says the same of itself: clients reconnect to whichever instance their address reaches). The cluster's
 * authorized operations when asked. An instance is a broker, not a KRaft controller: asked for controllers (v1+
 * endpoint type 2) it answers {@code UNSUPPORTED_ENDPOINT_TYPE}, as a Kafka broker does. Thread-safe.
 */
final class DescribeClusterHandler extends AdminHandler {
    private final Supplier<BrokerNode> self;
    private final ClusterId clusterId;

    DescribeClusterHandler(Supplier<BrokerNode> self, ClusterId clusterId) {
        super(ApiKeys.DESCRIBE_CLUSTER);
        this.self = self;
        this.clusterId = clusterId;
    }

    @Override
    Uni<ApiMessage> answer(DecodedRequest request) {
        DescribeClusterRequestData data = (DescribeClusterRequestData) request.body();
        DescribeClusterResponseData response =
                new DescribeClusterResponseData().setThrottleTimeMs(0).setEndpointType(data.endpointType());
        if (data.endpointType() != EndpointType.BROKER.id()) {
            return Uni.createFrom()
                    .item(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                            .setErrorMessage("Eddy's instances are brokers; there are no controllers to describe"));
        }
        BrokerNode node = self.get();
        response.setErrorCode(Errors.NONE.code())
                .setClusterId(clusterId.value())
                .setControllerId(node.id())
                .setClusterAuthorizedOperations(
                        data.includeClusterAuthorizedOperations()
                                ? AuthorizedOperations.cluster(request.session().principal())
                                : AuthorizedOperations.NOT_REQUESTED);
        response.brokers()
                .add(new DescribeClusterBroker()
                        .setBrokerId(node.id())
                        .setHost(node.host())
                        .setPort(node.port()));
        return Uni.createFrom().item(response);
    }
}
