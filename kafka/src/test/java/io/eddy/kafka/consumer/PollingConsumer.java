package io.eddy.kafka.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A kafka-clients {@code KafkaConsumer} speaking KIP-848's protocol ({@code group.protocol=consumer}) that polls
 * on a thread of its own (a consumer is not thread-safe), reporting what it owns to an {@link Ownership} through
 * its rebalance callbacks and keeping every record it reads. {@link #close()} leaves the group as a consumer's
 * close does.
 */
final class PollingConsumer implements AutoCloseable {
    private final String name;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final List<ConsumerRecord<String, String>> records = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    PollingConsumer(
            String name,
            String bootstrap,
            String group,
            Collection<String> topics,
            Ownership ownership,
            Map<String, Object> overrides) {
        this.name = name;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.putAll(overrides);
        this.consumer = new KafkaConsumer<>(props);
        ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                ownership.released(name, partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                ownership.assigned(name, partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                ownership.released(name, partitions);
            }
        };
        this.thread = new Thread(
                () -> {
                    try {
                        consumer.subscribe(topics, listener);
                        while (running) {
                            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                        }
                    } catch (WakeupException e) {
                        // closing
                    } catch (Throwable t) {
                        failure.set(t);
                    } finally {
                        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(30)));
                    }
                },
                "test-consumer-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    String name() {
        return name;
    }

    List<ConsumerRecord<String, String>> records() {
        return List.copyOf(records);
    }

    /** What its poll loop failed with, if it did. */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(60).toMillis());
    }
}
