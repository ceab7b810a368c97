package io.eddy.kafka.consumer;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.group.GroupService.GroupDescription;
import io.eddy.core.group.GroupState;
import io.eddy.core.group.MemberState;
import io.eddy.core.group.TopicPartition;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaSession;
import io.eddy.kafka.TopicIds;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.Assignment;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.Member;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.TopicPartitions;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ConsumerGroupDescribe: each group's state, epochs, assignor and live members with their subscriptions, current
 * and target assignments (topic ids and names). A group that does not exist, or whose members speak the classic
 * protocol, is {@code GROUP_ID_NOT_FOUND} (Kafka's Admin then describes it with DescribeGroups); one the
 * principal may not describe is {@code GROUP_AUTHORIZATION_FAILED}. Eddy keeps no client id, host or rack of a
 * member: they are empty. Thread-safe: stateless.
 */
final class ConsumerGroupDescribeHandler implements ApiHandler {
    /** ConsumerGroupDescribe's {@code MemberType} of a member speaking the consumer protocol (v1+). */
    static final byte CONSUMER_MEMBER = 1;

    private final GroupReader groups;
    private final TopicService topics;

    ConsumerGroupDescribeHandler(GroupReader groups, TopicService topics) {
        this.groups = groups;
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_DESCRIBE;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.CONSUMER_GROUP_DESCRIBE.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.CONSUMER_GROUP_DESCRIBE.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        ConsumerGroupDescribeRequestData request = (ConsumerGroupDescribeRequestData) decoded.body();
        if (request.groupIds().isEmpty()) {
            return Uni.createFrom().item(new ConsumerGroupDescribeResponseData());
        }
        List<Uni<DescribedGroup>> each = request.groupIds().stream()
                .map(group -> describe(decoded, request.includeAuthorizedOperations(), group))
                .toList();
        return Uni.join().all(each).andFailFast().map(described -> {
            ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
            response.groups().addAll(described);
            return response;
        });
    }

    private Uni<DescribedGroup> describe(DecodedRequest decoded, boolean withOperations, String group) {
        KafkaSession session = decoded.session();
        if (!GroupAccess.mayDescribe(session, group)) {
            return Uni.createFrom()
                    .item(failed(
                            group,
                            Errors.GROUP_AUTHORIZATION_FAILED,
                            "Not authorized to describe group " + group + "."));
        }
        return groups.load(group).flatMap(stored -> {
            if (stored.isEmpty()) {
                return Uni.createFrom()
                        .item(failed(group, Errors.GROUP_ID_NOT_FOUND, "Group " + group + " not found."));
            }
            if (stored.get().kind() != GroupKind.CONSUMER) {
                return Uni.createFrom()
                        .item(failed(group, Errors.GROUP_ID_NOT_FOUND, "Group " + group + " is not a consumer group."));
            }
            return groups.describe(group)
                    .flatMap(found -> found.isEmpty()
                            ? Uni.createFrom()
                                    .item(failed(group, Errors.GROUP_ID_NOT_FOUND, "Group " + group + " not found."))
                            : topicIds(found.get())
                                    .map(ids -> described(
                                                    found.get(), stored.get().state(), ids, decoded.apiVersion())
                                            .setAuthorizedOperations(
                                                    withOperations
                                                            ? GroupAccess.authorizedOperations(session, group)
                                                            : GroupAccess.NOT_REQUESTED)));
        });
    }

    static DescribedGroup described(
            GroupDescription description, String kafkaState, Map<String, Uuid> topicIds, short version) {
        GroupState state = description.group();
        DescribedGroup out = new DescribedGroup()
                .setGroupId(state.groupId().value())
                .setGroupState(kafkaState)
                .setGroupEpoch(Math.toIntExact(state.groupEpoch()))
                .setAssignmentEpoch(Math.toIntExact(state.groupEpoch()))
                .setAssignorName(ServerAssignors.toKafka(state.assignor()));
        for (MemberState m : description.members()) {
            Member member = new Member()
                    .setMemberId(m.memberId())
                    .setInstanceId(m.instanceId().orElse(null))
                    .setMemberEpoch(Math.toIntExact(m.memberEpoch()))
                    .setClientId("")
                    .setClientHost("")
                    .setSubscribedTopicNames(Subscriptions.names(m.subscription()))
                    .setSubscribedTopicRegex(
                            Subscriptions.regex(m.subscription()).orElse(null))
                    .setAssignment(assignment(m.assigned(), topicIds))
                    .setTargetAssignment(assignment(state.target().partitionsOf(m.memberId()), topicIds));
            if (version >= 1) {
                member.setMemberType(CONSUMER_MEMBER);
            }
            out.members().add(member);
        }
        return out;
    }

    private static Assignment assignment(Set<TopicPartition> partitions, Map<String, Uuid> topicIds) {
        SortedMap<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp ->
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        List<TopicPartitions> out = new ArrayList<>();
        byTopic.forEach((name, ps) -> Optional.ofNullable(topicIds.get(name))
                .ifPresent(id -> out.add(
                        new TopicPartitions().setTopicId(id).setTopicName(name).setPartitions(ps))));
        return new Assignment().setTopicPartitions(out);
    }

    /** The ids of the topics the group's members own or are to own; deleted topics are left out. */
    private Uni<Map<String, Uuid>> topicIds(GroupDescription description) {
        Set<String> names = new TreeSet<>();
        description.members().forEach(m -> m.assigned().forEach(tp -> names.add(tp.topic())));
        description.group().target().byMember().values().forEach(ps -> ps.forEach(tp -> names.add(tp.topic())));
        if (names.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Uni<Optional<Map.Entry<String, Uuid>>>> each = names.stream()
                .map(name -> topics.require(name)
                        .map(t -> Optional.of(Map.entry(name, TopicIds.kafkaId(t.id()))))
                        .onFailure(e -> e instanceof EddyException eddy && eddy.code() == ErrorCode.UNKNOWN_TOPIC)
                        .recoverWithItem(Optional.empty()))
                .toList();
        return Uni.join().all(each).andFailFast().map(entries -> {
            Map<String, Uuid> out = new HashMap<>();
            entries.forEach(e -> e.ifPresent(entry -> out.put(entry.getKey(), entry.getValue())));
            return out;
        });
    }

    private static DescribedGroup failed(String group, Errors error, String message) {
        return new DescribedGroup().setGroupId(group).setErrorCode(error.code()).setErrorMessage(message);
    }
}
