package io.eddy.kafka.consumer;

import io.eddy.core.auth.Operation;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.GroupService.HeartbeatReply;
import io.eddy.core.group.Heartbeat;
import io.eddy.core.group.TopicPartition;
import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
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
import java.util.UUID;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData.Assignment;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData.TopicPartitions;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ConsumerGroupHeartbeat (KIP-848) over core's consumer groups: a join (epoch 0), a heartbeat (the member's
 * epoch) or a leave (-1; a static member's -2 is a leave too: its partitions move at once and its instance id is
 * free for the instance that restarts). Core reconciles: a member first revokes what it loses (the assignment it
 * is answered no longer has them; its epoch stays) and gets a partition only once its previous owner has
 * reported it revoked, so no partition has two owners. The assignment is answered on every heartbeat, as topic
 * ids and partitions. Errors as Kafka's coordinator answers them: {@code FENCED_MEMBER_EPOCH},
 * {@code UNKNOWN_MEMBER_ID}, {@code UNRELEASED_INSTANCE_ID}, {@code FENCED_INSTANCE_ID}, {@code GROUP_ID_NOT_FOUND}
 * (a heartbeat or leave for a group that does not exist), {@code UNSUPPORTED_ASSIGNOR}, {@code INVALID_REQUEST},
 * {@code GROUP_AUTHORIZATION_FAILED} (consume on the group), {@code TOPIC_AUTHORIZATION_FAILED} (a subscribed
 * topic the principal may not describe). A member asking for another assignor than its group's gets the group's,
 * as a Kafka group keeps one assignor. A member is in its group for {@link ConsumerGroupSettings#sessionTimeout()}
 * after its last heartbeat. Thread-safe: stateless.
 */
final class ConsumerGroupHeartbeatHandler implements ApiHandler {
    private final GroupService groups;
    private final TopicService topics;
    private final KafkaErrors errors;
    private final long sessionTimeoutMs;

    ConsumerGroupHeartbeatHandler(
            GroupService groups, TopicService topics, KafkaErrors errors, ConsumerGroupSettings settings) {
        this.groups = groups;
        this.topics = topics;
        this.errors = errors;
        this.sessionTimeoutMs = settings.sessionTimeout().toMillis();
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_HEARTBEAT;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.CONSUMER_GROUP_HEARTBEAT.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.CONSUMER_GROUP_HEARTBEAT.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        ConsumerGroupHeartbeatRequestData request = (ConsumerGroupHeartbeatRequestData) decoded.body();
        Uni<ConsumerGroupHeartbeatResponseData> answer;
        try {
            HeartbeatRequests.validate(request, decoded.apiVersion());
            if (!KafkaAccess.mayGroup(decoded.session(), Operation.CONSUME, request.groupId())) {
                return Uni.createFrom()
                        .item(error(
                                Errors.GROUP_AUTHORIZATION_FAILED,
                                "Not authorized to read group " + request.groupId() + "."));
            }
            List<String> refused = Optional.ofNullable(request.subscribedTopicNames()).orElse(List.of()).stream()
                    .filter(t -> !KafkaAccess.mayDescribeTopic(decoded.session(), t))
                    .distinct()
                    .sorted()
                    .toList();
            if (!refused.isEmpty()) {
                return Uni.createFrom()
                        .item(error(
                                Errors.TOPIC_AUTHORIZATION_FAILED,
                                "Unauthorized topics: " + String.join(", ", refused) + "."));
            }
            answer = HeartbeatRequests.leaves(request) ? leave(request) : heartbeat(request);
        } catch (ApiException | EddyException e) {
            answer = Uni.createFrom().failure(e);
        }
        return answer.onFailure()
                .recoverWithItem(failure -> error(errors.of(failure), failure.getMessage()))
                .map(ApiMessage.class::cast);
    }

    private Uni<ConsumerGroupHeartbeatResponseData> heartbeat(ConsumerGroupHeartbeatRequestData request) {
        String memberId = HeartbeatRequests.memberId(request);
        Optional<String> assignor = ServerAssignors.toEddy(Optional.ofNullable(request.serverAssignor()));
        return owned(request)
                .flatMap(owned -> {
                    Heartbeat hb = HeartbeatRequests.toHeartbeat(request, memberId, owned, assignor, sessionTimeoutMs);
                    return call(() -> groups.heartbeat(request.groupId(), hb))
                            .onFailure(e -> is(e, ErrorCode.INCONSISTENT_ASSIGNOR))
                            .recoverWithUni(e -> call(() -> groups.heartbeat(
                                    request.groupId(),
                                    HeartbeatRequests.toHeartbeat(
                                            request, memberId, owned, Optional.empty(), sessionTimeoutMs))));
                })
                .flatMap(this::answer)
                .onFailure(e -> is(e, ErrorCode.UNKNOWN_MEMBER) && request.memberEpoch() != 0)
                .recoverWithUni(e -> unknownMemberOrGroup(request.groupId(), e));
    }

    private Uni<ConsumerGroupHeartbeatResponseData> leave(ConsumerGroupHeartbeatRequestData request) {
        return call(() -> groups.leave(request.groupId(), request.memberId()))
                .map(ignored -> new ConsumerGroupHeartbeatResponseData()
                        .setMemberId(request.memberId())
                        .setMemberEpoch(request.memberEpoch()))
                .onFailure(e -> is(e, ErrorCode.UNKNOWN_MEMBER))
                .recoverWithUni(e -> unknownMemberOrGroup(request.groupId(), e));
    }

    /** Kafka answers a group that does not exist with {@code GROUP_ID_NOT_FOUND}, a member it lacks otherwise. */
    private Uni<ConsumerGroupHeartbeatResponseData> unknownMemberOrGroup(String group, Throwable unknownMember) {
        return call(() -> groups.describe(group))
                .map(exists -> error(Errors.UNKNOWN_MEMBER_ID, unknownMember.getMessage()))
                .onFailure(e -> is(e, ErrorCode.UNKNOWN_GROUP))
                .recoverWithItem(e -> error(Errors.GROUP_ID_NOT_FOUND, "Consumer group " + group + " not found."));
    }

    /** What the member reports owning, by name: ids of topics that no longer exist are dropped (released). */
    private Uni<Optional<Set<TopicPartition>>> owned(ConsumerGroupHeartbeatRequestData request) {
        Optional<Map<UUID, Set<Integer>>> byId = HeartbeatRequests.ownedById(request);
        if (byId.isEmpty() || byId.get().isEmpty()) {
            return Uni.createFrom().item(byId.map(ignored -> Set.of()));
        }
        return topics.list().map(all -> {
            Map<UUID, String> names = new HashMap<>();
            all.forEach(t -> names.put(t.id(), t.name().value()));
            Set<TopicPartition> out = new TreeSet<>();
            byId.get()
                    .forEach((id, partitions) -> Optional.ofNullable(names.get(id))
                            .ifPresent(name -> partitions.forEach(p -> out.add(new TopicPartition(name, p)))));
            return Optional.of(out);
        });
    }

    private Uni<ConsumerGroupHeartbeatResponseData> answer(HeartbeatReply reply) {
        SortedMap<String, List<Integer>> byTopic = new TreeMap<>();
        reply.assignment()
                .forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                        .add(tp.partition()));
        List<Uni<Optional<TopicPartitions>>> each = new ArrayList<>();
        byTopic.forEach((name, partitions) -> each.add(topics.require(name)
                .map(Topic::id)
                .map(id -> Optional.of(
                        new TopicPartitions().setTopicId(TopicIds.kafkaId(id)).setPartitions(partitions)))
                .onFailure(e -> is(e, ErrorCode.UNKNOWN_TOPIC))
                .recoverWithItem(Optional.empty()))); // deleted meanwhile: nothing to consume there
        Uni<List<TopicPartitions>> assigned = each.isEmpty()
                ? Uni.createFrom().item(List.of())
                : Uni.join()
                        .all(each)
                        .andFailFast()
                        .map(list -> list.stream().flatMap(Optional::stream).toList());
        return assigned.map(list -> new ConsumerGroupHeartbeatResponseData()
                .setMemberId(reply.memberId())
                .setMemberEpoch(Math.toIntExact(reply.memberEpoch()))
                .setHeartbeatIntervalMs((int) Math.min(Integer.MAX_VALUE, reply.heartbeatIntervalMs()))
                .setAssignment(new Assignment().setTopicPartitions(new ArrayList<>(list))));
    }

    private static ConsumerGroupHeartbeatResponseData error(Errors error, String message) {
        return new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(error.code())
                .setErrorMessage(message);
    }

    /** Core's calls check some arguments before they return a Uni: their failures come through the Uni too. */
    private static <T> Uni<T> call(java.util.function.Supplier<Uni<? extends T>> call) {
        return Uni.createFrom().deferred(call);
    }

    private static boolean is(Throwable failure, ErrorCode code) {
        return failure instanceof EddyException e && e.code() == code;
    }
}
