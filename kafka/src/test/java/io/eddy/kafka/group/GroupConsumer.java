package io.eddy.kafka.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One KafkaConsumer of a group (classic protocol) polling on its own thread, as an application runs it: what it
 * was assigned at each generation, what it consumed, any error poll threw. Closed (leaving the group) by
 * {@link #close}. Thread-safe for the test thread's reads.
 */
final class GroupConsumer implements AutoCloseable {
    /** What the consumer owned after a poll, at its generation. */
    record Owned(String consumer, int generation, Set<TopicPartition> partitions) {}

    private final String name;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Owned> history = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> consumed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private volatile Set<TopicPartition> owned = Set.of();
    private volatile int generation = -1;

    GroupConsumer(
            String name, String bootstrap, String group, String topic, String assignor, Map<String, Object> extra) {
        this.name = name;
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.putAll(extra);
        this.thread = new Thread(() -> run(config, topic), "test-consumer-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run(Map<String, Object> config, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        consumer.commitSync();
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
            });
            while (running.get()) {
                try {
                    consumer.poll(Duration.ofMillis(100)).forEach(consumed::add);
                    if (!consumer.assignment().isEmpty() && !consumed.isEmpty()) {
                        consumer.commitSync();
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
                Set<TopicPartition> now = Set.copyOf(consumer.assignment());
                int gen = consumer.groupMetadata().generationId();
                if (!now.equals(owned) || gen != generation) {
                    owned = now;
                    generation = gen;
                    history.add(new Owned(name, gen, now));
                }
            }
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    String name() {
        return name;
    }

    Set<TopicPartition> owned() {
        return owned;
    }

    int generation() {
        return generation;
    }

    List<Owned> history() {
        return new ArrayList<>(history);
    }

    List<ConsumerRecord<String, String>> consumed() {
        return new ArrayList<>(consumed);
    }

    List<Throwable> failures() {
        return new ArrayList<>(failures);
    }

    Set<Integer> ownedPartitions() {
        Set<Integer> out = new TreeSet<>();
        owned.forEach(tp -> out.add(tp.partition()));
        return out;
    }

    /** Stops polling and closes the consumer (it leaves the group), waiting for its thread. */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
