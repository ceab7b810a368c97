package io.eddy.core.group;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An assignor's input, checked and put in assignment order; shared by the assignors of this package.
 *
 * @param members            in {@link GroupMember#ASSIGNMENT_ORDER}
 * @param partitionsPerTopic topic → partition count, sorted by topic
 */
record AssignorInput(List<GroupMember> members, SortedMap<String, Integer> partitionsPerTopic) {

    static AssignorInput of(List<GroupMember> members, Map<String, Integer> partitionsPerTopic) {
        if (members == null || partitionsPerTopic == null) {
            throw new IllegalArgumentException("an assignor needs members and topics");
        }
        Set<String> ids = new HashSet<>();
        for (GroupMember member : members) {
            if (member == null) {
                throw new IllegalArgumentException("null group member");
            }
            if (!ids.add(member.memberId())) {
                throw new IllegalArgumentException("duplicate member id " + member.memberId());
            }
        }
        partitionsPerTopic.forEach((topic, count) -> {
            if (topic == null || count == null || count < 0) {
                throw new IllegalArgumentException("bad partition count " + count + " for topic " + topic);
            }
        });
        List<GroupMember> ordered = new ArrayList<>(members);
        ordered.sort(GroupMember.ASSIGNMENT_ORDER);
        return new AssignorInput(List.copyOf(ordered), new TreeMap<>(partitionsPerTopic));
    }

    /** Whether {@code partition} exists and {@code member} subscribes to its topic. */
    boolean eligible(GroupMember member, TopicPartition partition) {
        Integer count = partitionsPerTopic.get(partition.topic());
        return count != null && partition.partition() < count && member.subscribesTo(partition.topic());
    }

    /** The members subscribed to {@code topic}, in assignment order. */
    List<GroupMember> subscribersOf(String topic) {
        return members.stream().filter(m -> m.subscribesTo(topic)).toList();
    }

    /** Every partition of every existing topic at least one member subscribes to, sorted. */
    SortedSet<TopicPartition> subscribedPartitions() {
        SortedSet<TopicPartition> partitions = new TreeSet<>();
        partitionsPerTopic.forEach((topic, count) -> {
            if (members.stream().anyMatch(m -> m.subscribesTo(topic))) {
                for (int p = 0; p < count; p++) {
                    partitions.add(new TopicPartition(topic, p));
                }
            }
        });
        return partitions;
    }

    /** Member id → an empty, modifiable set, for every member: the assignors fill it in. */
    SortedMap<String, SortedSet<TopicPartition>> emptyTarget() {
        SortedMap<String, SortedSet<TopicPartition>> target = new TreeMap<>();
        members.forEach(m -> target.put(m.memberId(), new TreeSet<>()));
        return target;
    }
}
