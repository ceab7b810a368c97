package io.eddy.kafka.admin;

import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreateTopics over {@link TopicService}, each topic answered on its own:
 * <ul>
 *   <li>{@code num_partitions} -1 takes {@value #DEFAULT_PARTITIONS} partition, Kafka's default
 *       {@code num.partitions}; 0 or below -1 is {@code INVALID_PARTITIONS}; more than Eddy's limit of
 *       {@value Topic#MAX_PARTITIONS} is {@code POLICY_VIOLATION}.
 *   <li>{@code replication_factor}: -1 or any positive value is accepted and has no effect. Eddy does not replicate
 *       across brokers (every instance serves every partition from S3; copies across buckets are the topic's
 *       {@code replicas} config), so refusing a factor above 1 would only break the many tools whose default is
 *       3 (Kafka Streams, Connect, Schema Registry). Metadata shows one replica, so the answer reports 1. 0 or
 *       below -1 is {@code INVALID_REPLICATION_FACTOR}, as on Kafka.
 *   <li>a manual {@code assignments}: accepted when it places partitions 0..n-1 each on this broker only (the only
 *       broker clients know); anything else is {@code INVALID_REPLICA_ASSIGNMENT}; given together with a partition
 *       count or replication factor, {@code INVALID_REQUEST}, as on Kafka.
 *   <li>configs by {@link TopicConfigNames}; {@code validate_only} checks everything (the name is free included)
 *       and creates nothing.
 * </ul>
 * Needs Eddy's admin grant on each topic ({@code TOPIC_AUTHORIZATION_FAILED}). Thread-safe.
 */
final class CreateTopicsHandler extends AdminHandler {
    /** The partitions of a topic created with {@code num_partitions} -1: Kafka's default {@code num.partitions}. */
    static final int DEFAULT_PARTITIONS = 1;
    /** The replication factor every topic reports: Metadata lists this instance as the one replica. */
    static final short REPLICATION_FACTOR = 1;

    private final TopicService topics;
    private final Supplier<BrokerNode> self;
    private final KafkaErrors errors;

    CreateTopicsHandler(TopicService topics, Supplier<BrokerNode> self, KafkaErrors errors) {
        super(ApiKeys.CREATE_TOPICS);
        this.topics = topics;
        this.self = self;
        this.errors = errors;
    }

    @Override
    Uni<ApiMessage> answer(DecodedRequest request) {
        CreateTopicsRequestData data = (CreateTopicsRequestData) request.body();
        List<CreatableTopic> requested = List.copyOf(data.topics());
        Set<String> duplicated = duplicates(requested, CreatableTopic::name);
        List<Uni<CreatableTopicResult>> results = requested.stream()
                .map(topic -> duplicated.contains(topic.name())
                        ? Uni.createFrom()
                                .item(failed(
                                        topic.name(),
                                        new ItemError(
                                                Errors.INVALID_REQUEST,
                                                "Create topics request contains multiple entries for topic "
                                                        + topic.name())))
                        : create(topic, data.validateOnly(), request.session()))
                .toList();
        return join(results).map(list -> {
            CreateTopicsResponseData response = new CreateTopicsResponseData().setThrottleTimeMs(0);
            list.forEach(response.topics()::add);
            return response;
        });
    }

    private Uni<CreatableTopicResult> create(CreatableTopic topic, boolean validateOnly, KafkaSession session) {
        return Uni.createFrom()
                .item(() -> {
                    requireAdmin(session, topic.name());
                    return partitions(topic);
                })
                .flatMap(partitions -> {
                    Map<String, Object> config = TopicConfigNames.toEddy(topic.configs().stream()
                            .<Map.Entry<String, String>>map(c -> new SimpleEntry<>(c.name(), c.value()))
                            .toList());
                    return validateOnly
                            ? topics.validateCreate(topic.name(), partitions, config)
                            : topics.create(topic.name(), partitions, config);
                })
                .map(created -> created(created, validateOnly))
                .onFailure()
                .recoverWithItem(failure -> failed(topic.name(), ItemError.of(failure, errors)));
    }

    /** The partition count to create, from the count or the manual assignment. */
    private int partitions(CreatableTopic topic) {
        if (!topic.assignments().isEmpty()) {
            if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
                throw new InvalidRequestException(
                        "Both numPartitions or replicationFactor and replicasAssignments were set."
                                + " Both cannot be used at the same time.");
            }
            return checkedAssignment(topic);
        }
        if (topic.replicationFactor() == 0 || topic.replicationFactor() < -1) {
            throw new InvalidReplicationFactorException(
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        int partitions = topic.numPartitions() == -1 ? DEFAULT_PARTITIONS : topic.numPartitions();
        if (partitions < 1) {
            throw new InvalidPartitionsException(
                    "Number of partitions was set to an invalid non-positive value: " + topic.numPartitions());
        }
        if (partitions > Topic.MAX_PARTITIONS) {
            throw new PolicyViolationException("Eddy's topics have at most " + Topic.MAX_PARTITIONS + " partitions; "
                    + partitions + " were asked for");
        }
        return partitions;
    }

    private int checkedAssignment(CreatableTopic topic) {
        int broker = self.get().id();
        Set<Integer> indexes = new TreeSet<>();
        for (CreatableReplicaAssignment assignment : topic.assignments()) {
            if (!indexes.add(assignment.partitionIndex())) {
                throw new InvalidReplicaAssignmentException(
                        "Partition " + assignment.partitionIndex() + " is assigned twice");
            }
            if (assignment.brokerIds().isEmpty() || !assignment.brokerIds().equals(List.of(broker))) {
                throw new InvalidReplicaAssignmentException("Partition " + assignment.partitionIndex()
                        + " is assigned to brokers " + assignment.brokerIds() + "; Eddy's one broker is " + broker);
            }
        }
        int count = indexes.size();
        if (!indexes.equals(
                new TreeSet<>(java.util.stream.IntStream.range(0, count).boxed().toList()))) {
            throw new InvalidReplicaAssignmentException(
                    "Partitions should be consecutive from 0 to " + (count - 1) + ", not " + indexes);
        }
        if (count > Topic.MAX_PARTITIONS) {
            throw new PolicyViolationException("Eddy's topics have at most " + Topic.MAX_PARTITIONS + " partitions");
        }
        return count;
    }

    private CreatableTopicResult created(Topic topic, boolean validateOnly) {
        CreatableTopicResult result = new CreatableTopicResult()
                .setName(topic.name().value())
                .setErrorCode(Errors.NONE.code())
                .setTopicId(validateOnly ? Uuid.ZERO_UUID : uuid(topic.id()))
                .setNumPartitions(topic.partitions())
                .setReplicationFactor(REPLICATION_FACTOR);
        TopicConfigNames.describe(topic.config(), topics.defaults(), Optional.empty())
                .forEach(c -> result.configs()
                        .add(new CreatableTopicConfigs()
                                .setName(c.row().name())
                                .setValue(c.value())
                                .setReadOnly(false)
                                .setConfigSource(c.source().id())
                                .setIsSensitive(false)));
        return result;
    }

    private static CreatableTopicResult failed(String name, ItemError error) {
        return new CreatableTopicResult()
                .setName(name)
                .setErrorCode(error.code())
                .setErrorMessage(error.message());
    }
}
