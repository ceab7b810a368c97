package io.eddy.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two front ends on one stack, sharing only the table and the bucket: consumers of one group, each talking to a
 * different instance (each instance names itself the coordinator), form one group and split the partitions.
 */
@ExtendWith(EddyStackExtension.class)
class LeaderlessClassicGroupTest {

    @Test
    void consumersOfOneGroupOnTwoInstancesSplitThePartitions(EddyStack stack) throws Exception {
        try (KafkaFrontEnd one = new KafkaFrontEnd(stack);
                KafkaFrontEnd two = new KafkaFrontEnd(stack);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, one.bootstrapServers()))) {
            // given
            String topic = "leaderless-" + UUID.randomUUID();
            String group = "leaderless-" + UUID.randomUUID();
            one.topics().create(topic, 4, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (int p = 0; p < 4; p++) {
                start.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(group, start).all().get(30, TimeUnit.SECONDS);

            // when
            try (GroupConsumer a = new GroupConsumer(
                            "a",
                            one.bootstrapServers(),
                            group,
                            topic,
                            org.apache.kafka.clients.consumer.RoundRobinAssignor.class.getName(),
                            Map.of());
                    GroupConsumer b = new GroupConsumer(
                            "b",
                            two.bootstrapServers(),
                            group,
                            topic,
                            org.apache.kafka.clients.consumer.RoundRobinAssignor.class.getName(),
                            Map.of())) {

                // then: one generation, two partitions each, every partition once
                Eventually.within(Duration.ofSeconds(60), () -> {
                    assertThat(a.generation()).isEqualTo(b.generation());
                    assertThat(a.owned()).hasSize(2);
                    assertThat(b.owned()).hasSize(2);
                    Set<Integer> all = new TreeSet<>(a.ownedPartitions());
                    all.addAll(b.ownedPartitions());
                    assertThat(all).containsExactly(0, 1, 2, 3);
                });
                assertThat(List.of(a, b))
                        .allSatisfy(c -> assertThat(c.failures()).isEmpty());
            }
        }
    }
}
