package io.eddy.kafka.admin;

import io.eddy.core.topic.TopicService;
import io.eddy.kafka.DecodedRequest;
import io.smallrye.mutiny.Uni;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * AlterConfigs (deprecated by Kafka, still used): replace semantics, as {@link ConfigChanges#replace}; each
 * resource by {@link ConfigAlteration}; a resource named twice is {@code INVALID_REQUEST}. Thread-safe.
 */
final class AlterConfigsHandler extends AdminHandler {
    private final TopicService topics;
    private final ConfigAlteration alteration;

    AlterConfigsHandler(TopicService topics, ConfigAlteration alteration) {
        super(ApiKeys.ALTER_CONFIGS);
        this.topics = topics;
        this.alteration = alteration;
    }

    @Override
    Uni<ApiMessage> answer(DecodedRequest request) {
        AlterConfigsRequestData data = (AlterConfigsRequestData) request.body();
        List<AlterConfigsResource> resources = List.copyOf(data.resources());
        return alteration
                .alterEach(
                        resources.stream()
                                .map(r -> new ConfigAlteration.Resource(
                                        r.resourceType(),
                                        r.resourceName(),
                                        topic -> ConfigChanges.replace(
                                                r.configs().stream()
                                                        .<Map.Entry<String, String>>map(
                                                                c -> new SimpleEntry<>(c.name(), c.value()))
                                                        .toList(),
                                                topics.defaults())))
                                .toList(),
                        request.session(),
                        data.validateOnly())
                .map(errors -> IntStream.range(0, resources.size())
                        .mapToObj(i -> new AlterConfigsResourceResponse()
                                .setResourceType(resources.get(i).resourceType())
                                .setResourceName(resources.get(i).resourceName())
                                .setErrorCode(errors.get(i).code())
                                .setErrorMessage(errors.get(i).message()))
                        .toList())
                .map(responses ->
                        new AlterConfigsResponseData().setThrottleTimeMs(0).setResponses(responses));
    }
}
