package io.eddy.core.group;

import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * A member of a consumer group as the assignors see it: who it is, what it subscribes to and what it owns now.
 *
 * <p>{@link #ASSIGNMENT_ORDER} is the order every assignor walks members in, Kafka's own
 * ({@code MemberInfo}): static members (with an instance id) first, by instance id; then dynamic members, by
 * member id; a tie (two members with one instance id, which a coordinator does not allow) falls back to the
 * member id, so the order is total.
 *
 * @param memberId         the member id the coordinator gave it, not blank
 * @param instanceId       the static member's {@code group.instance.id}, if any
 * @param subscribedTopics the topics it subscribes to
 * @param owned            the partitions it owns now (empty for a new member)
 */
public record GroupMember(
        String memberId, Optional<String> instanceId, Set<String> subscribedTopics, Set<TopicPartition> owned) {

    /** Kafka's member order: instance id when present (static members first), else member id. */
    public static final Comparator<GroupMember> ASSIGNMENT_ORDER = GroupMember::compareForAssignment;

    public GroupMember {
        if (memberId == null || memberId.isBlank()) {
            throw new IllegalArgumentException("a group member needs a member id");
        }
        if (instanceId == null || instanceId.filter(String::isBlank).isPresent()) {
            throw new IllegalArgumentException("member " + memberId + ": an instance id, when given, is not blank");
        }
        if (subscribedTopics == null || owned == null) {
            throw new IllegalArgumentException(
                    "member " + memberId + ": subscriptions and owned partitions are required");
        }
        subscribedTopics = Set.copyOf(subscribedTopics);
        owned = Set.copyOf(owned);
    }

    /** A dynamic member (no instance id) that owns nothing yet. */
    public static GroupMember joining(String memberId, Set<String> subscribedTopics) {
        return new GroupMember(memberId, Optional.empty(), subscribedTopics, Set.of());
    }

    public boolean subscribesTo(String topic) {
        return subscribedTopics.contains(topic);
    }

    /** This member with {@code owned} as what it owns now. */
    public GroupMember owning(Set<TopicPartition> partitions) {
        return new GroupMember(memberId, instanceId, subscribedTopics, partitions);
    }

    private static int compareForAssignment(GroupMember a, GroupMember b) {
        if (a.instanceId.isPresent() && b.instanceId.isPresent()) {
            int byInstance = a.instanceId.get().compareTo(b.instanceId.get());
            return byInstance != 0 ? byInstance : a.memberId.compareTo(b.memberId);
        }
        if (a.instanceId.isPresent() != b.instanceId.isPresent()) {
            return a.instanceId.isPresent() ? -1 : 1;
        }
        return a.memberId.compareTo(b.memberId);
    }
}
