package io.eddy.core.group;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random consumer groups for the assignor properties, and small helpers to build and read them. */
final class Groups {

    /** A group and the topics it may subscribe to. */
    record Group(List<GroupMember> members, Map<String, Integer> partitionsPerTopic) {
        int partitionCount(Set<String> topics) {
            return topics.stream()
                    .mapToInt(t -> partitionsPerTopic.getOrDefault(t, 0))
                    .sum();
        }

        Group withMembers(List<GroupMember> others) {
            return new Group(others, partitionsPerTopic);
        }

        Group shuffled(Random random) {
            List<GroupMember> copy = new ArrayList<>(members);
            Collections.shuffle(copy, random);
            return withMembers(copy);
        }

        Group owningNothing() {
            return withMembers(members.stream().map(m -> m.owning(Set.of())).toList());
        }

        Assignment assignedBy(Assignor assignor) {
            return assignor.assign(members, partitionsPerTopic);
        }
    }

    static final String MISSING_TOPIC = "gone";

    private Groups() {}

    /**
     * 1–12 members, 1–4 topics of 1–40 partitions; members subscribe to any topics (also a topic that does not
     * exist) and own any partitions (also out-of-range ones, and ones other members own too).
     */
    static Arbitrary<Group> anyGroup() {
        return topics().flatMap(topics -> {
            List<String> subscribable = new ArrayList<>(topics.keySet());
            subscribable.add(MISSING_TOPIC);
            return members(Arbitraries.of(subscribable).set(), ownable(topics)).map(ms -> new Group(ms, topics));
        });
    }

    /** Like {@link #anyGroup()}, but every member subscribes to the same (non-empty) set of existing topics. */
    static Arbitrary<Group> sameSubscriptionGroup() {
        return topics().flatMap(topics -> Arbitraries.of(topics.keySet())
                .set()
                .ofMinSize(1)
                .flatMap(subscription ->
                        members(Arbitraries.just(subscription), ownable(topics)).map(ms -> new Group(ms, topics))));
    }

    private static Arbitrary<Map<String, Integer>> topics() {
        return Arbitraries.integers()
                .between(1, 40)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .map(counts -> {
                    SortedMap<String, Integer> topics = new TreeMap<>();
                    IntStream.range(0, counts.size()).forEach(i -> topics.put("t" + i, counts.get(i)));
                    return topics;
                });
    }

    private static Arbitrary<TopicPartition> ownable(Map<String, Integer> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        topics.forEach((topic, count) -> IntStream.range(0, count + 1) // one past the end: no longer exists
                .forEach(p -> partitions.add(new TopicPartition(topic, p))));
        partitions.add(new TopicPartition(MISSING_TOPIC, 0));
        return Arbitraries.of(partitions);
    }

    private static Arbitrary<List<GroupMember>> members(
            Arbitrary<Set<String>> subscriptions, Arbitrary<TopicPartition> ownable) {
        Arbitrary<GroupMember> member = Combinators.combine(
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .ofMinLength(1)
                                .ofMaxLength(3),
                        Arbitraries.of(false, false, true),
                        subscriptions,
                        ownable.set().ofMaxSize(12))
                .as((id, isStatic, topics, owned) ->
                        new GroupMember(id, isStatic ? Optional.of("static-" + id) : Optional.empty(), topics, owned));
        return member.list().ofMinSize(1).ofMaxSize(12).uniqueElements(GroupMember::memberId);
    }

    /** {@code count} dynamic members "m1", "m2", … subscribed to {@code topics}, owning nothing. */
    static List<GroupMember> joining(int count, String... topics) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> GroupMember.joining("m" + i, Set.of(topics)))
                .toList();
    }

    static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    static List<TopicPartition> tps(String topic, int... partitions) {
        return IntStream.of(partitions).mapToObj(p -> tp(topic, p)).toList();
    }

    /** Each member's partition count, in member id order. */
    static List<Integer> counts(Assignment assignment) {
        return assignment.byMember().values().stream().map(Set::size).toList();
    }

    static int spread(List<Integer> counts) {
        return counts.isEmpty() ? 0 : Collections.max(counts) - Collections.min(counts);
    }
}
