package io.eddy.kafka.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A KafkaConsumer of a group ({@code group.protocol} classic or consumer) polling on its own thread as an
 * application does: it commits what it read after every poll and before giving partitions up, and remembers every
 * record and every commit that succeeded. {@link #kill()} stops it as a crashed process stops: no more polls, no
 * commit, no close (no LeaveGroup); its network is cut by whoever owns the listener it talks to, and
 * {@link #release()} frees its client afterwards. {@link #close()}
 * stops it as an application shuts down. Thread-safe for the test thread's reads.
 */
final class KillableMember {
    private final String name;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean closes = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> consumed = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private volatile Set<TopicPartition> owned = Set.of();
    private volatile KafkaConsumer<String, String> abandoned;

    KillableMember(String name, String bootstrap, String group, String topic, String protocol) {
        this.name = name;
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        if (protocol.equals("classic")) { // the consumer protocol's session is the broker's
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        }
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        this.thread = new Thread(() -> run(config, topic), "test-member-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run(Map<String, Object> config, String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit(consumer, partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
            });
            while (running.get()) {
                consumer.poll(Duration.ofMillis(100)).forEach(consumed::add);
                owned = Set.copyOf(consumer.assignment());
                commit(consumer, consumer.assignment());
            }
        } catch (RuntimeException e) {
            failures.add(e);
        } finally {
            if (closes.get()) {
                consumer.close();
            } else {
                abandoned = consumer; // killed: left as a process that died leaves its connections
            }
        }
    }

    /** Commits the positions of {@code partitions}; a commit refused by a rebalance is retried by the next one. */
    private void commit(KafkaConsumer<String, String> consumer, Collection<TopicPartition> partitions) {
        if (!running.get() && !closes.get()) {
            return; // killed: a dead process commits nothing
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(consumer.position(tp))));
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        } catch (CommitFailedException | RebalanceInProgressException | RetriableException e) {
            // the partitions moved or are moving: their next owner starts from the last commit that succeeded
        }
    }

    String name() {
        return name;
    }

    Set<TopicPartition> owned() {
        return owned;
    }

    List<ConsumerRecord<String, String>> consumed() {
        return new ArrayList<>(consumed);
    }

    /** The last offset each partition's commit succeeded with, as this member was told. */
    Map<TopicPartition, Long> committed() {
        return Map.copyOf(committed);
    }

    List<Throwable> failures() {
        return new ArrayList<>(failures);
    }

    /** Stops as a crashed process: no further poll or commit, and never closed. Waits for its thread to stop. */
    void kill() {
        closes.set(false);
        stop();
    }

    /**
     * Frees what a killed member left behind once the test is done with it (its client's threads would otherwise
     * keep retrying in this JVM), without waiting for anything: its group no longer knows it by then.
     */
    void release() {
        Optional.ofNullable(abandoned).ifPresent(c -> c.close(CloseOptions.timeout(Duration.ZERO)));
    }

    /** Stops polling and closes the consumer (it leaves the group), waiting for its thread. */
    void close() {
        stop();
    }

    private void stop() {
        running.set(false);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
