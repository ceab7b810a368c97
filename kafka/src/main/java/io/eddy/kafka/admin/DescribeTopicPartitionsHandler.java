package io.eddy.kafka.admin;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.Topic;
import io.eddy.core.model.TopicName;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.AuthorizedOperations;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeTopicPartitions (KIP-966; what Kafka 4's Admin {@code describeTopics} and {@code kafka-topics --describe}
 * use): the named topics, or every topic, in name order and paged by {@link PartitionPage} (the response's
 * partition limit capped at Kafka's default {@value #MAX_PARTITIONS}, and the cursor). Partitions are shown as
 * Metadata shows them: this instance leads each at epoch 0 and is its only replica. A named topic the principal
 * holds no grant on answers {@code TOPIC_AUTHORIZATION_FAILED} (before its existence is checked), an unknown one
 * {@code UNKNOWN_TOPIC_OR_PARTITION}, an invalid name {@code INVALID_TOPIC_EXCEPTION}; "every topic" leaves out
 * those not granted. A cursor that names a topic not asked for, or a negative partition, is
 * {@code INVALID_REQUEST}. Thread-safe.
 */
final class DescribeTopicPartitionsHandler extends AdminHandler {
    /** Kafka's default {@code max.request.partition.size.limit}. */
    static final int MAX_PARTITIONS = 2000;

    private static final int LEADER_EPOCH = 0;

    private final TopicService topics;
    private final Supplier<BrokerNode> self;

    DescribeTopicPartitionsHandler(TopicService topics, Supplier<BrokerNode> self) {
        super(ApiKeys.DESCRIBE_TOPIC_PARTITIONS);
        this.topics = topics;
        this.self = self;
    }

    @Override
    Uni<ApiMessage> answer(DecodedRequest request) {
        DescribeTopicPartitionsRequestData data = (DescribeTopicPartitionsRequestData) request.body();
        KafkaSession session = request.session();
        Optional<PartitionPage.Cursor> cursor = Optional.ofNullable(data.cursor())
                .map(c -> new PartitionPage.Cursor(c.topicName(), c.partitionIndex()));
        String from = cursor.map(PartitionPage.Cursor::topic).orElse("");
        boolean all = data.topics().isEmpty();
        TreeSet<String> named = data.topics().stream()
                .map(TopicRequest::name)
                .filter(name -> name.compareTo(from) >= 0)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!all && cursor.isPresent() && !named.contains(from)) {
            throw new InvalidRequestException("The topic list should contain the cursor's topic: " + from);
        }
        if (cursor.isPresent() && cursor.get().partition() < 0) {
            throw new InvalidRequestException("The cursor's partition must not be negative: " + cursor.get());
        }
        int limit = Math.max(Math.min(MAX_PARTITIONS, data.responsePartitionLimit()), 1);
        Uni<Map<String, Optional<Topic>>> found = all
                ? topics.list()
                        .map(list -> list.stream()
                                .filter(t -> t.name().value().compareTo(from) >= 0)
                                .filter(t -> KafkaAccess.mayDescribeTopic(
                                        session, t.name().value()))
                                .collect(Collectors.toMap(t -> t.name().value(), Optional::of)))
                : lookUp(named.stream()
                        .filter(name -> KafkaAccess.mayDescribeTopic(session, name))
                        .toList());
        List<String> refused = named.stream()
                .filter(name -> !KafkaAccess.mayDescribeTopic(session, name))
                .toList();
        return found.map(byName -> {
            List<PartitionPage.Candidate> candidates = byName.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e ->
                            new PartitionPage.Candidate(e.getKey(), e.getValue().map(Topic::partitions)))
                    .toList();
            PartitionPage page = PartitionPage.plan(candidates, cursor, limit);
            DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
            for (PartitionPage.Entry entry : page.entries()) {
                response.topics()
                        .add(
                                entry instanceof PartitionPage.Slice slice
                                        ? describe(byName.get(slice.topic()).orElseThrow(), slice, session)
                                        : missing(entry.topic()));
            }
            refused.forEach(name -> response.topics()
                    .add(new DescribeTopicPartitionsResponseTopic()
                            .setName(name)
                            .setTopicId(Uuid.ZERO_UUID)
                            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
            page.next()
                    .ifPresent(next -> response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor()
                            .setTopicName(next.topic())
                            .setPartitionIndex(next.partition())));
            return response;
        });
    }

    /** Each named topic, or empty when it does not exist (or its name is invalid). */
    private Uni<Map<String, Optional<Topic>>> lookUp(List<String> names) {
        return join(names.stream()
                        .map(name -> topics.require(name)
                                .map(Optional::of)
                                .onFailure(e -> e instanceof EddyException eddy
                                        && (eddy.code() == ErrorCode.UNKNOWN_TOPIC
                                                || eddy.code() == ErrorCode.INVALID_TOPIC_NAME))
                                .recoverWithItem(Optional.<Topic>empty()))
                        .toList())
                .map(found ->
                        IntStream.range(0, names.size()).boxed().collect(Collectors.toMap(names::get, found::get)));
    }

    private DescribeTopicPartitionsResponseTopic describe(
            Topic topic, PartitionPage.Slice slice, KafkaSession session) {
        int node = self.get().id();
        DescribeTopicPartitionsResponseTopic described = new DescribeTopicPartitionsResponseTopic()
                .setErrorCode(Errors.NONE.code())
                .setName(topic.name().value())
                .setTopicId(uuid(topic.id()))
                .setIsInternal(false)
                .setTopicAuthorizedOperations(AuthorizedOperations.topic(
                        session.principal(), topic.name().value()));
        for (int p = slice.from(); p < slice.to(); p++) {
            described
                    .partitions()
                    .add(new DescribeTopicPartitionsResponsePartition()
                            .setErrorCode(Errors.NONE.code())
                            .setPartitionIndex(p)
                            .setLeaderId(node)
                            .setLeaderEpoch(LEADER_EPOCH)
                            .setReplicaNodes(List.of(node))
                            .setIsrNodes(List.of(node))
                            .setEligibleLeaderReplicas(List.of())
                            .setLastKnownElr(List.of())
                            .setOfflineReplicas(List.of()));
        }
        return described;
    }

    private static DescribeTopicPartitionsResponseTopic missing(String name) {
        boolean valid;
        try {
            new TopicName(name);
            valid = true;
        } catch (EddyException invalid) {
            valid = false;
        }
        return new DescribeTopicPartitionsResponseTopic()
                .setName(name)
                .setTopicId(Uuid.ZERO_UUID)
                .setErrorCode(valid ? Errors.UNKNOWN_TOPIC_OR_PARTITION.code() : Errors.INVALID_TOPIC_EXCEPTION.code());
    }
}
