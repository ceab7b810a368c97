package io.eddy.kafka.admin;

import io.eddy.core.topic.TopicService;
import io.eddy.kafka.DecodedRequest;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * IncrementalAlterConfigs: SET, DELETE (back to the default), APPEND and SUBTRACT (list configs), as
 * {@link ConfigChanges#incremental}; each resource by {@link ConfigAlteration}; a resource named twice or an
 * unknown operation is {@code INVALID_REQUEST}. Thread-safe.
 */
final class IncrementalAlterConfigsHandler extends AdminHandler {
    private final TopicService topics;
    private final ConfigAlteration alteration;

    IncrementalAlterConfigsHandler(TopicService topics, ConfigAlteration alteration) {
        super(ApiKeys.INCREMENTAL_ALTER_CONFIGS);
        this.topics = topics;
        this.alteration = alteration;
    }

    @Override
    Uni<ApiMessage> answer(DecodedRequest request) {
        IncrementalAlterConfigsRequestData data = (IncrementalAlterConfigsRequestData) request.body();
        List<AlterConfigsResource> resources = List.copyOf(data.resources());
        return alteration
                .alterEach(
                        resources.stream()
                                .map(r -> new ConfigAlteration.Resource(
                                        r.resourceType(),
                                        r.resourceName(),
                                        topic -> ConfigChanges.incremental(
                                                r.configs().stream()
                                                        .map(IncrementalAlterConfigsHandler::change)
                                                        .toList(),
                                                topic.config(),
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
                .map(responses -> new IncrementalAlterConfigsResponseData()
                        .setThrottleTimeMs(0)
                        .setResponses(responses));
    }

    private static ConfigChanges.Change change(AlterableConfig config) {
        OpType op = OpType.forId(config.configOperation());
        if (op == null) {
            throw new InvalidRequestException(
                    "Unknown config operation " + config.configOperation() + " for " + config.name());
        }
        return new ConfigChanges.Change(config.name(), op, config.value());
    }
}
