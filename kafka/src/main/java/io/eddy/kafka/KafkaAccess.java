package io.eddy.kafka;

import io.eddy.core.auth.Operation;
import io.eddy.core.auth.Permission;
import io.eddy.core.auth.ResourceType;

/**
 * The grants check of every handler, the same rules as the HTTP API's: a request is allowed what its
 * connection's principal holds a grant for. With access control off the principal is {@code OPEN}, which holds
 * every grant. Handlers answer a refusal with Kafka's error for it ({@code TOPIC_AUTHORIZATION_FAILED},
 * {@code GROUP_AUTHORIZATION_FAILED}, {@code CLUSTER_AUTHORIZATION_FAILED}) in the refused item's place.
 * Stateless and thread-safe.
 */
public final class KafkaAccess {
    private KafkaAccess() {}

    public static boolean mayTopic(KafkaSession session, Operation operation, String topic) {
        return session.principal().allows(Permission.topic(operation, topic));
    }

    public static boolean mayGroup(KafkaSession session, Operation operation, String group) {
        return session.principal().allows(Permission.group(operation, group));
    }

    public static boolean mayCluster(KafkaSession session, Operation operation) {
        return session.principal().allows(Permission.cluster(operation));
    }

    /** Whether the topic may be named to this connection at all (any grant on it): Metadata hides the rest. */
    public static boolean mayDescribeTopic(KafkaSession session, String topic) {
        return session.principal().mayDescribe(ResourceType.TOPIC, topic);
    }
}
