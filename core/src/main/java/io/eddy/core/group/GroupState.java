package io.eddy.core.group;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A consumer group as stored: its epoch, assignor, target assignment and members. {@code version} orders every
 * change (the store writes a new state only over the version it read), 0 for a group never created.
 *
 * @param groupEpoch      bumped whenever the membership, a subscription or a subscribed topic changes
 * @param target          where each member's partitions should end up, computed at {@code groupEpoch}
 * @param partitionCounts the subscribed topics and their partition counts when {@code target} was computed
 */
public record GroupState(
        GroupId groupId,
        long version,
        long groupEpoch,
        String assignor,
        Assignment target,
        SortedMap<String, Integer> partitionCounts,
        SortedMap<String, MemberState> members) {

    public GroupState {
        if (groupId == null
                || assignor == null
                || target == null
                || partitionCounts == null
                || members == null
                || version < 0
                || groupEpoch < 0) {
            throw new IllegalArgumentException("incomplete group state");
        }
        partitionCounts = Collections.unmodifiableSortedMap(new TreeMap<>(partitionCounts));
        members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
        SortedSet<TopicPartition> shared = Assignment.sharedPartitions(new TreeMap<>(members.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(
                        java.util.Map.Entry::getKey, e -> e.getValue().assigned()))));
        if (!shared.isEmpty()) {
            throw new IllegalStateException("group " + groupId + ": partitions assigned to two members: " + shared);
        }
    }

    /** A group nobody has joined yet. */
    public static GroupState empty(GroupId groupId) {
        return new GroupState(
                groupId, 0, 0, Assignors.DEFAULT.name(), Assignment.empty(), new TreeMap<>(), new TreeMap<>());
    }

    public boolean exists() {
        return version > 0;
    }

    public Optional<MemberState> member(String memberId) {
        return Optional.ofNullable(members.get(memberId));
    }

    public Optional<MemberState> byInstance(String instanceId) {
        return members.values().stream()
                .filter(m -> m.instanceId().filter(instanceId::equals).isPresent())
                .findFirst();
    }

    /** Whether any member is live at {@code nowMs}. */
    public boolean hasLiveMembers(long nowMs) {
        return members.values().stream().anyMatch(m -> m.live(nowMs));
    }

    /** Partitions assigned to members other than {@code memberId}. */
    public SortedSet<TopicPartition> assignedToOthers(String memberId) {
        SortedSet<TopicPartition> out = new TreeSet<>();
        members.forEach((id, m) -> {
            if (!id.equals(memberId)) {
                out.addAll(m.assigned());
            }
        });
        return out;
    }

    public GroupState with(MemberState member) {
        SortedMap<String, MemberState> next = new TreeMap<>(members);
        next.put(member.memberId(), member);
        return new GroupState(groupId, version, groupEpoch, assignor, target, partitionCounts, next);
    }

    public GroupState without(String memberId) {
        SortedMap<String, MemberState> next = new TreeMap<>(members);
        next.remove(memberId);
        return new GroupState(groupId, version, groupEpoch, assignor, target, partitionCounts, next);
    }

    public GroupState withAssignor(String name) {
        return new GroupState(groupId, version, groupEpoch, name, target, partitionCounts, members);
    }

    public GroupState withTarget(long epoch, Assignment assignment, SortedMap<String, Integer> counts) {
        return new GroupState(groupId, version, epoch, assignor, assignment, counts, members);
    }

    /** The next version of this state, as the store writes it. */
    public GroupState nextVersion() {
        return new GroupState(groupId, version + 1, groupEpoch, assignor, target, partitionCounts, members);
    }
}
