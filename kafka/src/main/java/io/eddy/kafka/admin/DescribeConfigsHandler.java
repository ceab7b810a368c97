package io.eddy.kafka.admin;

import io.eddy.core.auth.ResourceType;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * DescribeConfigs: a topic's every config ({@link TopicConfigNames}), with its source (set on the topic, or the
 * deployment's default), its synonyms (the topic's value, then the broker default it falls back to) when asked,
 * its type (v3+) and its documentation when asked; the broker resource's read-only {@link BrokerConfigs}. Any
 * grant on a topic describes it ({@code TOPIC_AUTHORIZATION_FAILED} otherwise, before its existence is
 * checked), any grant on the cluster the broker ({@code CLUSTER_AUTHORIZATION_FAILED}); other resource types are
 * {@code INVALID_REQUEST}. Each resource is answered on its own. Thread-safe.
 */
final class DescribeConfigsHandler extends AdminHandler {
    private final TopicService topics;
    private final Supplier<BrokerNode> self;
    private final KafkaErrors errors;

    DescribeConfigsHandler(TopicService topics, Supplier<BrokerNode> self, KafkaErrors errors) {
        super(ApiKeys.DESCRIBE_CONFIGS);
        this.topics = topics;
        this.self = self;
        this.errors = errors;
    }

    @Override
    Uni<ApiMessage> answer(DecodedRequest request) {
        DescribeConfigsRequestData data = (DescribeConfigsRequestData) request.body();
        Shape shape = new Shape(data.includeSynonyms(), data.includeDocumentation());
        return join(data.resources().stream()
                        .map(resource -> Uni.createFrom()
                                .deferred(() -> describe(resource, shape, request.session()))
                                .onFailure()
                                .recoverWithItem(failure -> {
                                    ItemError error = ItemError.of(failure, errors);
                                    return new DescribeConfigsResult()
                                            .setErrorCode(error.code())
                                            .setErrorMessage(error.message());
                                })
                                .map(result -> result.setResourceType(resource.resourceType())
                                        .setResourceName(resource.resourceName())))
                        .toList())
                .map(results ->
                        new DescribeConfigsResponseData().setThrottleTimeMs(0).setResults(results));
    }

    /** What the request asked to be included with each config. */
    private record Shape(boolean synonyms, boolean documentation) {}

    private Uni<DescribeConfigsResult> describe(DescribeConfigsResource resource, Shape shape, KafkaSession session) {
        Optional<Set<String>> keys =
                Optional.ofNullable(resource.configurationKeys()).map(Set::copyOf);
        return switch (ConfigResource.Type.forId(resource.resourceType())) {
            case TOPIC -> {
                if (!KafkaAccess.mayDescribeTopic(session, resource.resourceName())) {
                    throw new TopicAuthorizationException(
                            "Not authorized to describe topic " + resource.resourceName(),
                            Set.of(resource.resourceName()));
                }
                yield topics.require(resource.resourceName())
                        .map(topic -> ok(TopicConfigNames.describe(topic.config(), topics.defaults(), keys).stream()
                                .map(c -> topicEntry(c, shape))
                                .toList()));
            }
            case BROKER -> {
                if (!session.principal().mayDescribe(ResourceType.CLUSTER, ResourceType.CLUSTER_NAME)) {
                    throw new ClusterAuthorizationException("Not authorized to describe the broker's configs");
                }
                int broker = self.get().id();
                BrokerConfigs.checkName(resource.resourceName(), broker);
                yield Uni.createFrom()
                        .item(ok(BrokerConfigs.of(topics.defaults(), broker).entrySet().stream()
                                .filter(e -> keys.map(k -> k.isEmpty() || k.contains(e.getKey()))
                                        .orElse(true))
                                .map(e -> brokerEntry(e, shape))
                                .toList()));
            }
            default ->
                throw new InvalidRequestException(
                        "Eddy has no configs of resource type " + resource.resourceType() + " (topics and the broker)");
        };
    }

    private static DescribeConfigsResult ok(List<DescribeConfigsResourceResult> configs) {
        return new DescribeConfigsResult().setErrorCode(Errors.NONE.code()).setConfigs(configs);
    }

    private static DescribeConfigsResourceResult topicEntry(TopicConfigNames.Described config, Shape shape) {
        DescribeConfigsResourceResult entry = new DescribeConfigsResourceResult()
                .setName(config.row().name())
                .setValue(config.value())
                .setReadOnly(false)
                .setConfigSource(config.source().id())
                .setIsSensitive(false)
                .setConfigType(config.row().type().id())
                .setDocumentation(shape.documentation() ? config.row().documentation() : null);
        if (shape.synonyms()) {
            if (config.source() == ConfigSource.TOPIC_CONFIG) {
                entry.synonyms()
                        .add(new DescribeConfigsSynonym()
                                .setName(config.row().name())
                                .setValue(config.value())
                                .setSource(ConfigSource.TOPIC_CONFIG.id()));
            }
            entry.synonyms()
                    .add(new DescribeConfigsSynonym()
                            .setName(config.row().brokerDefault())
                            .setValue(config.defaultValue())
                            .setSource(ConfigSource.DEFAULT_CONFIG.id()));
        }
        return entry;
    }

    private static DescribeConfigsResourceResult brokerEntry(
            Map.Entry<String, BrokerConfigs.Value> config, Shape shape) {
        DescribeConfigsResourceResult entry = new DescribeConfigsResourceResult()
                .setName(config.getKey())
                .setValue(config.getValue().value())
                .setReadOnly(true)
                .setConfigSource(ConfigSource.DEFAULT_CONFIG.id())
                .setIsSensitive(false)
                .setConfigType(config.getValue().type().id())
                .setDocumentation(shape.documentation() ? "Fixed by Eddy (read-only)" : null);
        if (shape.synonyms()) {
            entry.synonyms()
                    .add(new DescribeConfigsSynonym()
                            .setName(config.getKey())
                            .setValue(config.getValue().value())
                            .setSource(ConfigSource.DEFAULT_CONFIG.id()));
        }
        return entry;
    }
}
