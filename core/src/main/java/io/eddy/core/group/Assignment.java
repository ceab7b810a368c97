package io.eddy.core.group;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which partitions each member of a group owns; no partition has two owners (checked when made).
 * Members that own nothing may be listed with an empty set.
 *
 * @param byMember member id → its partitions, sorted; unmodifiable
 */
public record Assignment(SortedMap<String, SortedSet<TopicPartition>> byMember) {

    public Assignment {
        if (byMember == null) {
            throw new IllegalArgumentException("an assignment needs its members");
        }
        SortedSet<TopicPartition> shared = sharedPartitions(byMember);
        if (!shared.isEmpty()) {
            throw new IllegalArgumentException("partitions with two owners: " + shared);
        }
        SortedMap<String, SortedSet<TopicPartition>> copy = new TreeMap<>();
        byMember.forEach(
                (member, partitions) -> copy.put(member, Collections.unmodifiableSortedSet(new TreeSet<>(partitions))));
        byMember = Collections.unmodifiableSortedMap(copy);
    }

    /**
     * An assignment from any map of member → partitions.
     *
     * @throws IllegalArgumentException if a partition has two owners
     */
    public static Assignment of(Map<String, ? extends Collection<TopicPartition>> byMember) {
        SortedMap<String, SortedSet<TopicPartition>> sorted = new TreeMap<>();
        byMember.forEach((member, partitions) -> sorted.put(member, new TreeSet<>(partitions)));
        return new Assignment(sorted);
    }

    public static Assignment empty() {
        return new Assignment(new TreeMap<>());
    }

    /** The partitions of {@code memberId}; empty for a member not listed. */
    public SortedSet<TopicPartition> partitionsOf(String memberId) {
        return byMember.getOrDefault(memberId, Collections.emptySortedSet());
    }

    /** Partition → its owner, for every owned partition. */
    public SortedMap<TopicPartition, String> owners() {
        SortedMap<TopicPartition, String> owners = new TreeMap<>();
        byMember.forEach((member, partitions) -> partitions.forEach(p -> owners.put(p, member)));
        return Collections.unmodifiableSortedMap(owners);
    }

    /** The partitions that more than one member of {@code byMember} holds; empty when ownership is exclusive. */
    public static SortedSet<TopicPartition> sharedPartitions(
            Map<String, ? extends Collection<TopicPartition>> byMember) {
        Map<TopicPartition, String> owners = new HashMap<>();
        SortedSet<TopicPartition> shared = new TreeSet<>();
        byMember.forEach((member, partitions) -> {
            for (TopicPartition partition : partitions) {
                if (owners.putIfAbsent(partition, member) != null) {
                    shared.add(partition);
                }
            }
        });
        return shared;
    }

    public int countOf(String memberId) {
        return partitionsOf(memberId).size();
    }
}
