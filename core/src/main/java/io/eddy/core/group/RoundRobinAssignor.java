package io.eddy.core.group;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Kafka's round-robin assignor ("roundrobin"): every subscribed partition, sorted by topic then partition, is
 * dealt in turn to the members in assignment order, skipping members not subscribed to its topic; the deal goes
 * on from where it stopped, across topics.
 *
 * <p>Thread-safe: stateless.
 */
public final class RoundRobinAssignor implements Assignor {
    public static final String NAME = "roundrobin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Assignment assign(List<GroupMember> members, Map<String, Integer> partitionsPerTopic) {
        AssignorInput input = AssignorInput.of(members, partitionsPerTopic);
        SortedMap<String, SortedSet<TopicPartition>> target = input.emptyTarget();
        List<GroupMember> ordered = input.members();
        int next = 0;
        for (TopicPartition partition : input.subscribedPartitions()) {
            // someone subscribes to the topic, so this stops within one turn of the table
            while (!ordered.get(next).subscribesTo(partition.topic())) {
                next = (next + 1) % ordered.size();
            }
            target.get(ordered.get(next).memberId()).add(partition);
            next = (next + 1) % ordered.size();
        }
        return new Assignment(target);
    }
}
