package io.eddy.core.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.AbstractPartitionAssignor;

/** Runs Kafka's own client-side assignors on a {@link Groups.Group}, to compare with ours. */
final class KafkaAssignors {
    private KafkaAssignors() {}

    /** Partition → member, as Kafka's {@code assignor} assigns {@code group} (owned partitions ignored). */
    static SortedMap<TopicPartition, String> owners(AbstractPartitionAssignor assignor, Groups.Group group) {
        Map<String, Subscription> subscriptions = new HashMap<>();
        for (GroupMember member : group.members()) {
            Subscription subscription = new Subscription(
                    new ArrayList<>(member.subscribedTopics().stream().sorted().toList()));
            subscription.setGroupInstanceId(member.instanceId());
            subscriptions.put(member.memberId(), subscription);
        }
        Map<String, List<org.apache.kafka.common.TopicPartition>> assigned =
                assignor.assign(new HashMap<>(group.partitionsPerTopic()), subscriptions);
        SortedMap<TopicPartition, String> owners = new TreeMap<>();
        assigned.forEach((member, partitions) ->
                partitions.forEach(p -> owners.put(new TopicPartition(p.topic(), p.partition()), member)));
        return owners;
    }
}
