package io.eddy.core.group;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Kafka's range assignor ("range"): per topic, the subscribed members in assignment order take contiguous
 * ranges of partitions, the first {@code partitions % members} of them one more than the rest.
 * With 6 partitions: 3 members get [0,1] [2,3] [4,5]; 8 members get one each but the last two, none.
 *
 * <p>Thread-safe: stateless.
 */
public final class RangeAssignor implements Assignor {
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Assignment assign(List<GroupMember> members, Map<String, Integer> partitionsPerTopic) {
        AssignorInput input = AssignorInput.of(members, partitionsPerTopic);
        SortedMap<String, SortedSet<TopicPartition>> target = input.emptyTarget();
        input.partitionsPerTopic().forEach((topic, partitions) -> {
            List<GroupMember> subscribers = input.subscribersOf(topic);
            if (subscribers.isEmpty()) {
                return;
            }
            int quota = partitions / subscribers.size();
            int withExtra = partitions % subscribers.size();
            for (int i = 0; i < subscribers.size(); i++) {
                int start = quota * i + Math.min(i, withExtra);
                int length = quota + (i < withExtra ? 1 : 0);
                SortedSet<TopicPartition> own = target.get(subscribers.get(i).memberId());
                for (int p = start; p < start + length; p++) {
                    own.add(new TopicPartition(topic, p));
                }
            }
        });
        return new Assignment(target);
    }
}
