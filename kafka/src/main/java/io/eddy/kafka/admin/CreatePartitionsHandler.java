package io.eddy.kafka.admin;

import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreatePartitions over {@link TopicService#alter}: the count only grows ({@code INVALID_PARTITIONS} for the same
 * or a smaller count, as on Kafka); new partitions' manual assignments, when given, must be one per new
 * partition, each on this broker only ({@code INVALID_REPLICA_ASSIGNMENT}); {@code validate_only} changes
 * nothing. Needs Eddy's admin grant on each topic. Thread-safe.
 */
final class CreatePartitionsHandler extends AdminHandler {
    private final TopicService topics;
    private final Supplier<BrokerNode> self;
    private final KafkaErrors errors;

    CreatePartitionsHandler(TopicService topics, Supplier<BrokerNode> self, KafkaErrors errors) {
        super(ApiKeys.CREATE_PARTITIONS);
        this.topics = topics;
        this.self = self;
        this.errors = errors;
    }

    @Override
    Uni<ApiMessage> answer(DecodedRequest request) {
        CreatePartitionsRequestData data = (CreatePartitionsRequestData) request.body();
        List<CreatePartitionsTopic> requested = List.copyOf(data.topics());
        Set<String> duplicated = duplicates(requested, CreatePartitionsTopic::name);
        return join(requested.stream()
                        .map(t -> duplicated.contains(t.name())
                                ? Uni.createFrom()
                                        .item(result(
                                                t.name(),
                                                new ItemError(
                                                        Errors.INVALID_REQUEST,
                                                        "Duplicate topic in the request: " + t.name())))
                                : grow(t, data.validateOnly(), request.session()))
                        .toList())
                .map(results -> {
                    CreatePartitionsResponseData response = new CreatePartitionsResponseData().setThrottleTimeMs(0);
                    response.results().addAll(results);
                    return response;
                });
    }

    private Uni<CreatePartitionsTopicResult> grow(
            CreatePartitionsTopic requested, boolean validateOnly, KafkaSession session) {
        return Uni.createFrom()
                .item(() -> {
                    requireAdmin(session, requested.name());
                    return requested.name();
                })
                .flatMap(topics::require)
                .flatMap(current -> {
                    check(requested, current);
                    Optional<Integer> count = Optional.of(requested.count());
                    return validateOnly
                            ? topics.validateAlter(requested.name(), count, Map.of())
                            : topics.alter(requested.name(), count, Map.of());
                })
                .map(grown -> result(requested.name(), new ItemError(Errors.NONE, null)))
                .onFailure()
                .recoverWithItem(failure -> result(requested.name(), ItemError.of(failure, errors)));
    }

    private void check(CreatePartitionsTopic requested, Topic current) {
        if (requested.count() == current.partitions()) {
            throw new InvalidPartitionsException("Topic already has " + current.partitions() + " partitions.");
        }
        if (requested.count() < current.partitions()) {
            throw new InvalidPartitionsException("Topic currently has " + current.partitions()
                    + " partitions, which is higher than the requested " + requested.count() + ".");
        }
        if (requested.assignments() == null) {
            return;
        }
        int added = requested.count() - current.partitions();
        if (requested.assignments().size() != added) {
            throw new InvalidReplicaAssignmentException("Increasing the number of partitions by " + added + " but "
                    + requested.assignments().size() + " assignments provided.");
        }
        int broker = self.get().id();
        for (CreatePartitionsAssignment assignment : requested.assignments()) {
            if (!assignment.brokerIds().equals(List.of(broker))) {
                throw new InvalidReplicaAssignmentException("New partitions may be assigned to broker " + broker
                        + " only (Eddy's one broker), not " + assignment.brokerIds());
            }
        }
    }

    private static CreatePartitionsTopicResult result(String name, ItemError error) {
        return new CreatePartitionsTopicResult()
                .setName(name)
                .setErrorCode(error.code())
                .setErrorMessage(error.message());
    }
}
