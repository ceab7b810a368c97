package io.eddy.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.group.GroupService.GroupDescription;
import io.eddy.core.group.GroupService.PartitionLag;
import io.eddy.kafka.KafkaApis;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaListener;
import io.eddy.kafka.KafkaSettings;
import io.eddy.kafka.consumer.ConsumerGroupSettings;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A group of three KafkaConsumers ({@code group.protocol} classic, then consumer) reading a topic while a producer
 * writes to it, one of them killed midway: it stops polling and is never closed, and the listener it talks to goes
 * away with it, as a machine that dies. Its session ends (6 s: the classic members ask for it, the front end is
 * given {@code group.consumer.session.timeout.ms} of 6 s), its partitions move to the survivors, who read every
 * record it had not committed; the committed offsets, watched through Admin all along, never move backwards; and
 * core's description of the group ({@code GET /v1/groups/{g}}) shows the lag.
 */
@ExtendWith(EddyStackExtension.class)
class KilledMemberTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration SESSION = Duration.ofSeconds(6);
    /** The session, a rebalance and slack: well below the 45 s a consumer-protocol session lasts by default. */
    private static final Duration TAKEOVER = Duration.ofSeconds(30);

    private static final int PARTITIONS = 6;
    private static final ConsumerGroupSettings CONSUMER_GROUPS = new ConsumerGroupSettings(SESSION);

    private static KafkaFrontEnd eddy;
    private static Admin admin;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack, KafkaSettings.of("127.0.0.1", 0), Optional.empty(), CONSUMER_GROUPS);
        admin = eddy.admin();
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aKilledMembersPartitionsMoveToTheSurvivorsWhoReadWhatItHadNotCommitted(String protocol) throws Exception {
        String topic = "killed-" + protocol + "-" + UUID.randomUUID();
        String group = "killed-" + protocol + "-" + UUID.randomUUID();
        eddy.topics().create(topic, PARTITIONS, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        // the victim's own listener over the same core: closing it cuts the victim off as its machine dying would
        KafkaListener doomed = KafkaListener.start(
                KafkaSettings.of("127.0.0.1", 0),
                false,
                self -> KafkaApis.all(eddy.services(), self, ClassicSettings.defaults(), CONSUMER_GROUPS));
        String doomedBootstrap = "127.0.0.1:" + doomed.boundPort();
        CommitWatch watch = new CommitWatch(group);
        Producing producing = new Producing(topic);
        List<KillableMember> survivors = List.of(
                new KillableMember("s1", eddy.bootstrapServers(), group, topic, protocol),
                new KillableMember("s2", eddy.bootstrapServers(), group, topic, protocol));
        KillableMember victim = new KillableMember("victim", doomedBootstrap, group, topic, protocol);
        boolean cutOff = false;
        try {
            // given: three members sharing the partitions, each having read and committed while records come in
            List<KillableMember> all = List.of(survivors.get(0), survivors.get(1), victim);
            Eventually.within(WAIT, () -> {
                assertThat(owners(all)).as("partitions owned").hasSize(PARTITIONS);
                all.forEach(m ->
                        assertThat(m.owned()).as(m.name() + "'s partitions").isNotEmpty());
                assertThat(victim.committed()).as("the victim's commits").isNotEmpty();
                assertThat(failures(all)).isEmpty();
            });

            // when: the victim dies (no LeaveGroup, no commit), and records keep coming
            victim.kill();
            doomed.close();
            cutOff = true;
            long producedAtKill = producing.count();

            // then: after its session the survivors own every partition, and read on
            Eventually.within(TAKEOVER, () -> {
                assertThat(owners(survivors)).as("partitions the survivors own").hasSize(PARTITIONS);
                assertThat(producing.count()).isGreaterThan(producedAtKill + 100);
            });
            Map<TopicPartition, Long> victimCommitted = victim.committed();
            List<RecordMetadata> produced = producing.stop();

            // every record was processed: by a survivor, or by the victim before a commit that covered it
            Eventually.within(
                    WAIT,
                    () -> assertThat(unprocessed(produced, survivors, victim, victimCommitted))
                            .as("records no member processed (of " + produced.size() + ")")
                            .isEmpty());
            Map<TopicPartition, Long> ends = endOffsets(topic);
            Eventually.within(WAIT, () -> assertThat(watch.latest()).isEqualTo(ends));
            GroupDescription described =
                    eddy.core().groups().describe(group).await().atMost(KafkaFrontEnd.AWAIT);
            assertThat(described.members())
                    .as("members after the victim's session")
                    .hasSize(2);
            assertThat(failures(survivors)).isEmpty();
        } finally {
            survivors.forEach(KillableMember::close);
            producing.stop();
            if (!cutOff) {
                doomed.close();
            }
            victim.release();
        }
        watch.stop();
        assertThat(watch.snapshots()).as("commit snapshots read").isGreaterThan(5);
        assertThat(watch.backwards())
                .as("committed offsets that moved backwards")
                .isEmpty();

        // when: more records come in after the group stopped
        int more = 24;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < more; i++) {
                producer.send(new ProducerRecord<>(topic, "late-" + i, "late-" + i))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        // then: the group's description shows them as lag, per partition end minus committed
        Map<TopicPartition, Long> ends = endOffsets(topic);
        Map<TopicPartition, Long> committed = committedOffsets(group);
        GroupDescription described =
                eddy.core().groups().describe(group).await().atMost(KafkaFrontEnd.AWAIT);
        assertThat(described.partitions()).hasSize(PARTITIONS);
        long total = 0;
        for (PartitionLag p : described.partitions()) {
            TopicPartition tp =
                    new TopicPartition(p.partition().topic(), p.partition().partition());
            assertThat(p.lag()).as(tp + "'s lag").contains(ends.get(tp) - committed.get(tp));
            total += p.lag().orElseThrow();
        }
        assertThat(total).isEqualTo(more);
    }

    /** The produced records no member processed: neither a survivor nor the victim below its last commit. */
    private static List<String> unprocessed(
            List<RecordMetadata> produced,
            List<KillableMember> survivors,
            KillableMember victim,
            Map<TopicPartition, Long> victimCommitted) {
        Set<String> processed = new HashSet<>();
        survivors.forEach(s -> s.consumed().forEach(r -> processed.add(position(r))));
        for (ConsumerRecord<String, String> r : victim.consumed()) {
            if (r.offset() < victimCommitted.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L)) {
                processed.add(position(r));
            }
        }
        return produced.stream()
                .map(m -> m.partition() + "@" + m.offset())
                .filter(p -> !processed.contains(p))
                .toList();
    }

    private static String position(ConsumerRecord<String, String> r) {
        return r.partition() + "@" + r.offset();
    }

    private static Set<TopicPartition> owners(List<KillableMember> members) {
        List<TopicPartition> owned = new ArrayList<>();
        members.forEach(m -> owned.addAll(m.owned()));
        assertThat(owned).as("a partition owned twice").doesNotHaveDuplicates();
        return new HashSet<>(owned);
    }

    private static List<String> failures(List<KillableMember> members) {
        return members.stream()
                .flatMap(m -> m.failures().stream().map(f -> m.name() + ": " + f))
                .toList();
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        return admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .entrySet()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                eddy.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class));
    }

    /** A producer writing keyed records one at a time on its own thread until stopped; what was acknowledged. */
    private static final class Producing {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<RecordMetadata> acknowledged = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private final Thread thread;

        Producing(String topic) {
            thread = new Thread(
                    () -> {
                        try (KafkaProducer<String, String> producer = producer()) {
                            for (int i = 0; running.get(); i++) {
                                acknowledged.add(producer.send(new ProducerRecord<>(topic, "k-" + i, "v-" + i))
                                        .get(30, TimeUnit.SECONDS));
                            }
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    },
                    "test-producer");
            thread.setDaemon(true);
            thread.start();
        }

        long count() {
            return acknowledged.size();
        }

        /** Stops producing; every acknowledged record. */
        List<RecordMetadata> stop() throws InterruptedException {
            running.set(false);
            thread.join(60_000);
            assertThat(failures).as("producer failures").isEmpty();
            return List.copyOf(acknowledged);
        }
    }

    /** Reads the group's committed offsets through Admin every 100 ms, noting any that moved backwards. */
    private static final class CommitWatch {
        private final String group;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-commit-watch");
            t.setDaemon(true);
            return t;
        });
        private final Map<TopicPartition, Long> latest = new java.util.concurrent.ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<String> backwards = new ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger snapshots =
                new java.util.concurrent.atomic.AtomicInteger();

        CommitWatch(String group) {
            this.group = group;
            timer.scheduleWithFixedDelay(this::read, 0, 100, TimeUnit.MILLISECONDS);
        }

        private void read() {
            try {
                Map<TopicPartition, OffsetAndMetadata> now = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                now.forEach((tp, o) -> {
                    Long before = latest.put(tp, o.offset());
                    if (before != null && before > o.offset()) {
                        backwards.add(tp + ": " + before + " then " + o.offset());
                    }
                });
                snapshots.incrementAndGet();
            } catch (Exception e) {
                // a read that failed is simply not a snapshot
            }
        }

        Map<TopicPartition, Long> latest() {
            return Map.copyOf(latest);
        }

        int snapshots() {
            return snapshots.get();
        }

        List<String> backwards() {
            return List.copyOf(backwards);
        }

        void stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(60, TimeUnit.SECONDS);
        }
    }
}
