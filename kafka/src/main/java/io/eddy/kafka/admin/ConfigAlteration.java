package io.eddy.kafka.admin;

import io.eddy.core.auth.Operation;
import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.Errors;

/**
 * One config resource of AlterConfigs or IncrementalAlterConfigs, answered on its own: a topic needs Eddy's
 * admin grant ({@code TOPIC_AUTHORIZATION_FAILED}) and exists ({@code UNKNOWN_TOPIC_OR_PARTITION}), then gets the
 * settings its request makes of its current config ({@code validate_only} changes nothing); the broker needs the
 * admin grant on the cluster ({@code CLUSTER_AUTHORIZATION_FAILED}) and is read-only ({@code INVALID_REQUEST});
 * any other type is {@code INVALID_REQUEST}. Thread-safe.
 */
final class ConfigAlteration {
    private final TopicService topics;
    private final Supplier<BrokerNode> self;
    private final KafkaErrors errors;

    ConfigAlteration(TopicService topics, Supplier<BrokerNode> self, KafkaErrors errors) {
        this.topics = topics;
        this.self = self;
        this.errors = errors;
    }

    /** One resource of a request: its type, its name, and the settings its changes make of a topic's config. */
    record Resource(byte type, String name, Function<Topic, Map<String, Object>> settings) {}

    /**
     * Alters each resource on its own, in order; a resource named twice is {@code INVALID_REQUEST} each time.
     */
    Uni<List<ItemError>> alterEach(List<Resource> resources, KafkaSession session, boolean validateOnly) {
        Set<Map.Entry<Byte, String>> duplicated =
                AdminHandler.duplicates(resources, r -> Map.entry(r.type(), r.name()));
        return AdminHandler.join(resources.stream()
                .map(r -> duplicated.contains(Map.entry(r.type(), r.name()))
                        ? Uni.createFrom()
                                .item(new ItemError(Errors.INVALID_REQUEST, "Duplicate resource in the request"))
                        : alter(r.type(), r.name(), session, validateOnly, r.settings()))
                .toList());
    }

    /**
     * Alters one resource.
     *
     * @param settings Eddy's settings to apply, from the topic as it is; may throw Kafka's errors
     */
    Uni<ItemError> alter(
            byte type,
            String name,
            KafkaSession session,
            boolean validateOnly,
            Function<Topic, Map<String, Object>> settings) {
        return Uni.createFrom()
                .deferred(() -> switch (ConfigResource.Type.forId(type)) {
                    case TOPIC -> {
                        AdminHandler.requireAdmin(session, name);
                        yield topics.require(name).flatMap(topic -> {
                            Map<String, Object> change = settings.apply(topic);
                            return validateOnly
                                    ? topics.validateAlter(name, Optional.empty(), change)
                                    : topics.alter(name, Optional.empty(), change);
                        });
                    }
                    case BROKER -> {
                        if (!KafkaAccess.mayCluster(session, Operation.ADMIN)) {
                            throw new ClusterAuthorizationException("Not authorized to alter the broker's configs");
                        }
                        BrokerConfigs.checkName(name, self.get().id());
                        throw BrokerConfigs.readOnly();
                    }
                    default ->
                        throw new InvalidRequestException(
                                "Eddy has no configs of resource type " + type + " to alter (topics only)");
                })
                .map(altered -> new ItemError(Errors.NONE, null))
                .onFailure()
                .recoverWithItem(failure -> ItemError.of(failure, errors));
    }
}
