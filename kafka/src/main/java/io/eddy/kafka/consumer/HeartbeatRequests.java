package io.eddy.kafka.consumer;

import io.eddy.core.group.Heartbeat;
import io.eddy.core.group.OffsetReset;
import io.eddy.core.group.TopicPartition;
import io.eddy.kafka.TopicIds;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;

/**
 * The checks Kafka's group coordinator makes of a ConsumerGroupHeartbeat before anything else, with its messages,
 * and the request as core's {@link Heartbeat}. Kafka's heartbeat carries no session timeout (a broker setting,
 * {@code group.consumer.session.timeout.ms}) nor reset policy (the client resolves start offsets itself), and
 * sends its rebalance timeout only when joining: the session timeout comes from {@link ConsumerGroupSettings}
 * and {@link #REBALANCE_TIMEOUT_MS} stands in for a rebalance timeout not sent. Stateless.
 */
final class HeartbeatRequests {
    /** Kafka's default {@code max.poll.interval.ms}, the client's rebalance timeout, when it does not send one. */
    static final long REBALANCE_TIMEOUT_MS = 300_000;

    private HeartbeatRequests() {}

    /**
     * Refuses what Kafka's coordinator refuses, as {@code INVALID_REQUEST} with its message.
     *
     * @throws InvalidRequestException when the request is not valid at {@code version}
     */
    static void validate(ConsumerGroupHeartbeatRequestData request, short version) {
        int epoch = request.memberEpoch();
        if (version >= ConsumerGroupHeartbeatRequest.CONSUMER_GENERATED_MEMBER_ID_REQUIRED_VERSION
                || epoch > 0
                || epoch == ConsumerGroupHeartbeatRequest.LEAVE_GROUP_MEMBER_EPOCH) {
            requireNotBlank(request.memberId(), "MemberId can't be empty.");
        }
        requireNotBlank(request.groupId(), "GroupId can't be empty.");
        requireNotBlankWhenSet(request.instanceId(), "InstanceId can't be empty.");
        requireNotBlankWhenSet(request.rackId(), "RackId can't be empty.");
        if (epoch == ConsumerGroupHeartbeatRequest.JOIN_GROUP_MEMBER_EPOCH) {
            if (request.rebalanceTimeoutMs() == -1) {
                throw new InvalidRequestException("RebalanceTimeoutMs must be provided in first request.");
            }
            if (request.topicPartitions() == null || !request.topicPartitions().isEmpty()) {
                throw new InvalidRequestException("TopicPartitions must be empty when (re-)joining.");
            }
            if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null) {
                throw new InvalidRequestException(
                        "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
            }
        } else if (epoch == ConsumerGroupHeartbeatRequest.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            if (request.instanceId() == null) {
                throw new InvalidRequestException("InstanceId can't be null.");
            }
        } else if (epoch < ConsumerGroupHeartbeatRequest.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            throw new InvalidRequestException("MemberEpoch is invalid.");
        }
        if (request.rebalanceTimeoutMs() < -1 || request.rebalanceTimeoutMs() == 0) {
            throw new InvalidRequestException("RebalanceTimeoutMs must be positive, or -1 when unchanged.");
        }
    }

    /** Whether the request is a leave: the member gives up everything at once (epoch -1, or -2 for a static one). */
    static boolean leaves(ConsumerGroupHeartbeatRequestData request) {
        return request.memberEpoch() == ConsumerGroupHeartbeatRequest.LEAVE_GROUP_MEMBER_EPOCH
                || request.memberEpoch() == ConsumerGroupHeartbeatRequest.LEAVE_GROUP_STATIC_MEMBER_EPOCH;
    }

    /**
     * The member id: the client's, or for a v0 join without one, a new one (the coordinator chose it before v1).
     */
    static String memberId(ConsumerGroupHeartbeatRequestData request) {
        return request.memberId().isEmpty() ? UUID.randomUUID().toString() : request.memberId();
    }

    /**
     * The request as core's heartbeat (a join at epoch 0).
     *
     * @param memberId the member id, from {@link #memberId}
     * @param owned    the partitions it reports owning, resolved from topic ids; empty when it did not report them
     * @param assignor Eddy's assignor for the one it asked for, if any
     * @param sessionTimeoutMs the group's session timeout ({@code group.consumer.session.timeout.ms})
     */
    static Heartbeat toHeartbeat(
            ConsumerGroupHeartbeatRequestData request,
            String memberId,
            Optional<Set<TopicPartition>> owned,
            Optional<String> assignor,
            long sessionTimeoutMs) {
        return new Heartbeat(
                memberId,
                request.memberEpoch(),
                Optional.ofNullable(request.instanceId()),
                Subscriptions.fromRequest(request.subscribedTopicNames(), request.subscribedTopicRegex()),
                owned,
                assignor,
                sessionTimeoutMs,
                request.rebalanceTimeoutMs() > 0 ? request.rebalanceTimeoutMs() : REBALANCE_TIMEOUT_MS,
                OffsetReset.NONE);
    }

    /** The owned partitions of the request by topic id, or empty when it did not send them. */
    static Optional<Map<UUID, Set<Integer>>> ownedById(ConsumerGroupHeartbeatRequestData request) {
        if (request.topicPartitions() == null) {
            return Optional.empty();
        }
        Map<UUID, Set<Integer>> out = new java.util.HashMap<>();
        request.topicPartitions()
                .forEach(tp -> out.computeIfAbsent(TopicIds.eddyId(tp.topicId()), id -> new java.util.TreeSet<>())
                        .addAll(tp.partitions()));
        return Optional.of(out);
    }

    private static void requireNotBlank(String value, String message) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(message);
        }
    }

    private static void requireNotBlankWhenSet(String value, String message) {
        if (value != null && value.isBlank()) {
            throw new InvalidRequestException(message);
        }
    }
}
