package io.eddy.kafka.admin;

import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;

/**
 * DeleteTopics over {@link TopicService}: by name, and from v6 by name or by topic id (an id is resolved from
 * the topic list; an unknown one is {@code UNKNOWN_TOPIC_ID}; both or neither is {@code INVALID_REQUEST}). Each
 * topic is answered on its own: unknown {@code UNKNOWN_TOPIC_OR_PARTITION}, no admin grant
 * {@code TOPIC_AUTHORIZATION_FAILED}, named twice {@code INVALID_REQUEST}. Thread-safe.
 */
final class DeleteTopicsHandler extends AdminHandler {
    private final TopicService topics;
    private final KafkaErrors errors;

    DeleteTopicsHandler(TopicService topics, KafkaErrors errors) {
        super(ApiKeys.DELETE_TOPICS);
        this.topics = topics;
        this.errors = errors;
    }

    @Override
    Uni<ApiMessage> answer(DecodedRequest request) {
        List<DeleteTopicState> requested = ((DeleteTopicsRequest) request.request()).topics();
        boolean byId = requested.stream().anyMatch(t -> t.name() == null);
        Uni<List<Topic>> all = byId ? topics.list() : Uni.createFrom().item(List.of());
        return all.flatMap(known -> {
                    Set<Object> duplicated = duplicates(requested, DeleteTopicsHandler::key);
                    return join(requested.stream()
                            .map(t -> duplicated.contains(key(t))
                                    ? Uni.createFrom()
                                            .item(failed(
                                                    t,
                                                    new ItemError(
                                                            Errors.INVALID_REQUEST, "Duplicate topic in the request")))
                                    : delete(t, known, request.session()))
                            .toList());
                })
                .map(results -> {
                    DeleteTopicsResponseData response = new DeleteTopicsResponseData().setThrottleTimeMs(0);
                    results.forEach(response.responses()::add);
                    return response;
                });
    }

    private Uni<DeletableTopicResult> delete(DeleteTopicState requested, List<Topic> known, KafkaSession session) {
        return Uni.createFrom()
                .item(() -> name(requested, known))
                .flatMap(name -> {
                    requireAdmin(session, name);
                    return topics.delete(name);
                })
                .map(deleted -> new DeletableTopicResult()
                        .setName(deleted.name().value())
                        .setTopicId(uuid(deleted.id()))
                        .setErrorCode(Errors.NONE.code()))
                .onFailure()
                .recoverWithItem(failure -> failed(requested, ItemError.of(failure, errors)));
    }

    private static String name(DeleteTopicState requested, List<Topic> known) {
        boolean hasId = !Uuid.ZERO_UUID.equals(requested.topicId());
        if (requested.name() != null) {
            if (hasId) {
                throw new InvalidRequestException("Topic name and topic id must not both be given");
            }
            return requested.name();
        }
        if (!hasId) {
            throw new InvalidRequestException("Topic name or topic id is required");
        }
        Optional<Topic> found = known.stream()
                .filter(t -> uuid(t.id()).equals(requested.topicId()))
                .findFirst();
        return found.orElseThrow(() -> new UnknownTopicIdException("No topic with id " + requested.topicId()))
                .name()
                .value();
    }

    /** What names a requested topic: its name, or its id when it has no name. */
    private static Object key(DeleteTopicState requested) {
        return requested.name() == null ? requested.topicId() : requested.name();
    }

    private static DeletableTopicResult failed(DeleteTopicState requested, ItemError error) {
        return new DeletableTopicResult()
                .setName(requested.name())
                .setTopicId(requested.topicId())
                .setErrorCode(error.code())
                .setErrorMessage(error.message());
    }
}
