package io.eddy.kafka.group;

import io.eddy.core.group.TopicPartition;
import java.nio.ByteBuffer;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

/**
 * What Kafka's {@code consumer} protocol's opaque bytes say, for Eddy's description of a group: the topics a
 * member's join metadata subscribes to and the partitions its assignment holds, read with kafka-clients' own
 * {@link ConsumerProtocol}. Other protocol types (Connect's…) and bytes that do not decode say nothing (empty
 * sets): they stay opaque, and the group works all the same. Stateless.
 */
final class ConsumerProtocolView {
    static final String CONSUMER = "consumer";

    private ConsumerProtocolView() {}

    static SortedSet<String> topics(String protocolType, byte[] metadata) {
        SortedSet<String> out = new TreeSet<>();
        if (!CONSUMER.equals(protocolType) || metadata.length == 0) {
            return out;
        }
        try {
            out.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata))
                    .topics());
        } catch (RuntimeException e) {
            out.clear(); // not the consumer protocol after all: opaque
        }
        return out;
    }

    static SortedSet<TopicPartition> partitions(String protocolType, byte[] assignment) {
        SortedSet<TopicPartition> out = new TreeSet<>();
        if (!CONSUMER.equals(protocolType) || assignment.length == 0) {
            return out;
        }
        try {
            ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment))
                    .partitions()
                    .forEach(tp -> out.add(new TopicPartition(tp.topic(), tp.partition())));
        } catch (RuntimeException e) {
            out.clear();
        }
        return out;
    }
}
