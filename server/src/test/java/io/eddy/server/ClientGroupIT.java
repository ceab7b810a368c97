package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.client.ConsumerRecord;
import io.eddy.client.EddyConsumer;
import io.eddy.client.EddyProducer;
import io.eddy.client.ProducerRecord;
import io.eddy.client.RebalanceListener;
import io.eddy.client.TopicPartition;
import io.eddy.client.http.HttpTransport;
import io.eddy.client.http.JdkHttpTransport;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.ConnectException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Three Java consumers in one group on six partitions; one is killed midway (its process "dies": no more polls,
 * heartbeats or commits, and it never leaves). Its partitions move to the others once its session ends, every
 * record is processed at least once, and no committed offset ever goes backwards.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class ClientGroupIT {
    private static final int PARTITIONS = 6;

    @TestHTTPResource("/")
    URL url;

    /** A transport that can be cut: afterwards every call fails as if the process were gone. */
    static final class KillableTransport implements HttpTransport {
        final HttpTransport real = new JdkHttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(30));
        final AtomicBoolean dead = new AtomicBoolean();

        @Override
        public CompletableFuture<Response> send(Request request) {
            return dead.get() ? CompletableFuture.failedFuture(new ConnectException("killed")) : real.send(request);
        }
    }

    /** A consumer on a thread of its own, recording what it processed and what it owns. */
    final class Worker implements Runnable {
        final String name;
        final KillableTransport transport = new KillableTransport();
        final EddyConsumer<String, String> consumer;
        final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        final List<TopicPartition> lost = new CopyOnWriteArrayList<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;

        Worker(String name, String group, String topic) {
            this.name = name;
            this.consumer = new EddyConsumer<>(
                    Map.of(
                            "url",
                            url.toString(),
                            "group.id",
                            group,
                            "client.id",
                            name,
                            "session.timeout.ms",
                            "1500",
                            "auto.offset.reset",
                            "earliest",
                            "auto.commit.interval.ms",
                            "200",
                            "fetch.max.wait.ms",
                            "200"),
                    new StringDeserializer(),
                    new StringDeserializer(),
                    transport);
            consumer.subscribe(List.of(topic), new RebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    owned.addAll(partitions);
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    owned.removeAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    lost.addAll(partitions);
                    owned.removeAll(partitions);
                }
            });
            this.thread = new Thread(this, "worker-" + name);
        }

        @Override
        public void run() {
            while (running.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    processed
                            .computeIfAbsent(r.value(), v -> new CopyOnWriteArrayList<>())
                            .add(name);
                }
            }
        }
    }

    final Map<String, List<String>> processed = new ConcurrentHashMap<>();

    @Test
    void aKilledMembersPartitionsMoveAndEveryRecordIsProcessedWithCommitsNeverGoingBack() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String topic = "client-group-" + Long.toHexString(System.nanoTime());
        String group = "g-" + topic;
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": " + PARTITIONS + "}")
                        .status())
                .isEqualTo(201);
        List<Worker> workers =
                List.of(new Worker("a", group, topic), new Worker("b", group, topic), new Worker("c", group, topic));
        workers.forEach(w -> w.thread.start());
        Map<Integer, List<Long>> commits = new ConcurrentHashMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(
                () -> {
                    while (watching.get()) {
                        Http.Reply r = http.get("/v1/groups/" + group);
                        if (r.status() == 200) {
                            for (JsonNode p : r.body().get("partitions")) {
                                if (!p.get("committed_offset").isNull()) {
                                    commits.computeIfAbsent(
                                                    p.get("partition").asInt(), k -> new CopyOnWriteArrayList<>())
                                            .add(p.get("committed_offset").asLong());
                                }
                            }
                        }
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "commit-watcher");
        watcher.start();
        try (EddyProducer<String, String> producer =
                new EddyProducer<>(Map.of("url", url.toString()), new StringSerializer(), new StringSerializer())) {
            // given: the three share the six partitions, two each
            awaitTrue(
                    "each worker owns two partitions",
                    Duration.ofSeconds(30),
                    () -> workers.stream().allMatch(w -> w.owned.size() == 2));
            produce(producer, topic, 0, 300);
            awaitTrue("the first 300 records processed", Duration.ofSeconds(30), () -> processedAll(0, 300));

            // when: c dies
            Worker c = workers.get(2);
            Set<TopicPartition> cHad = Set.copyOf(c.owned);
            c.running.set(false);
            c.transport.dead.set(true);
            c.thread.join(5_000);
            produce(producer, topic, 300, 600);

            // then: its partitions move to a and b, and everything is processed
            awaitTrue("c's partitions owned by a or b", Duration.ofSeconds(30), () -> {
                Set<TopicPartition> ab = new java.util.HashSet<>(workers.get(0).owned);
                ab.addAll(workers.get(1).owned);
                return ab.containsAll(cHad) && ab.size() == PARTITIONS;
            });
            awaitTrue("all 600 records processed", Duration.ofSeconds(30), () -> processedAll(0, 600));
            JsonNode described = http.get("/v1/groups/" + group).body();
            assertThat(described.get("members"))
                    .extracting(m -> m.get("member_id").asText())
                    .containsExactlyInAnyOrder("a", "b");
        } finally {
            for (Worker w : workers.subList(0, 2)) {
                w.running.set(false);
                w.thread.join(5_000);
                w.consumer.close(); // commits what it processed, then leaves
            }
            workers.get(2).consumer.close();
            watching.set(false);
            watcher.join(5_000);
        }

        // at least once: every record by someone (a record c had but did not commit may be processed twice)
        assertThat(processed.keySet()).hasSize(600);
        // committed offsets never went backwards, and end at each partition's end
        assertThat(commits).isNotEmpty();
        commits.forEach(
                (p, seen) -> assertThat(seen).as("commits of partition %d", p).isSorted());
        JsonNode end = http.get("/v1/groups/" + group).body();
        for (JsonNode p : end.get("partitions")) {
            assertThat(p.get("lag").asLong())
                    .as("lag of partition %s", p.get("partition"))
                    .isZero();
        }
    }

    @Test
    void aMemberCutOffForLongerThanItsSessionLosesItsPartitionsThenJoinsAgain() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String topic = "client-rejoin-" + Long.toHexString(System.nanoTime());
        String group = "g-" + topic;
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": " + PARTITIONS + "}")
                        .status())
                .isEqualTo(201);
        Worker a = new Worker("a", group, topic);
        Worker b = new Worker("b", group, topic);
        List.of(a, b).forEach(w -> w.thread.start());
        try (EddyProducer<String, String> producer =
                new EddyProducer<>(Map.of("url", url.toString()), new StringSerializer(), new StringSerializer())) {
            awaitTrue(
                    "a and b own three partitions each",
                    Duration.ofSeconds(30),
                    () -> a.owned.size() == 3 && b.owned.size() == 3);
            Set<TopicPartition> aHad = Set.copyOf(a.owned);

            // when: a's network is cut (it goes on polling) until b has all six partitions
            a.transport.dead.set(true);
            awaitTrue("b owns all six", Duration.ofSeconds(30), () -> b.owned.size() == PARTITIONS);
            awaitTrue("a saw its partitions lost", Duration.ofSeconds(30), () -> a.lost.containsAll(aHad));
            assertThat(a.owned).isEmpty();
            produce(producer, topic, 0, 120);
            a.transport.dead.set(false);

            // then: a joins again and gets its share back; everything is processed
            awaitTrue(
                    "a and b own three partitions each again",
                    Duration.ofSeconds(30),
                    () -> a.owned.size() == 3 && b.owned.size() == 3);
            produce(producer, topic, 120, 240);
            awaitTrue("all 240 records processed", Duration.ofSeconds(30), () -> processedAll(0, 240));
        } finally {
            for (Worker w : List.of(a, b)) {
                w.running.set(false);
                w.thread.join(5_000);
                w.consumer.close();
            }
        }
    }

    @Test
    void aPatternSubscriptionFollowsNewTopicsAndManualAssignmentSeeksAndCommitsNothing() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String prefix = "client-pattern-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + prefix + "-a", "{\"partitions\": 1}")
                        .status())
                .isEqualTo(201);
        try (EddyProducer<String, String> producer = new EddyProducer<>(
                        Map.of("url", url.toString()), new StringSerializer(), new StringSerializer());
                EddyConsumer<String, String> consumer = new EddyConsumer<>(
                        Map.of(
                                "url",
                                url.toString(),
                                "group.id",
                                "g-" + prefix,
                                "session.timeout.ms",
                                "1500",
                                "auto.offset.reset",
                                "earliest",
                                "enable.auto.commit",
                                "false"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.subscribe(
                    java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "-.*"),
                    RebalanceListener.NONE);
            produce(producer, prefix + "-a", 0, 3);
            // a topic created after the subscription is picked up at a later heartbeat
            assertThat(http.put("/v1/topics/" + prefix + "-b", "{\"partitions\": 1}")
                            .status())
                    .isEqualTo(201);
            produce(producer, prefix + "-b", 3, 5);
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < 5 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.topic() + ":" + r.value()));
            }
            assertThat(seen)
                    .containsExactlyInAnyOrder(
                            prefix + "-a:r-0",
                            prefix + "-a:r-1",
                            prefix + "-a:r-2",
                            prefix + "-b:r-3",
                            prefix + "-b:r-4");
            // manual commits: only what is asked
            TopicPartition a0 = new TopicPartition(prefix + "-a", 0);
            consumer.commitSync(Map.of(a0, 2L));
            assertThat(consumer.committed()).containsEntry(a0, 2L);
            JsonNode described = http.get("/v1/groups/g-" + prefix).body();
            assertThat(described.get("partitions")).anySatisfy(p -> {
                assertThat(p.get("topic").asText()).isEqualTo(a0.topic());
                assertThat(p.get("committed_offset").asLong()).isEqualTo(2);
            });
        }

        // without a group: assign, seek, seekToEnd, position
        try (EddyConsumer<String, String> manual =
                new EddyConsumer<>(Map.of("url", url.toString()), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition a0 = new TopicPartition(prefix + "-a", 0);
            manual.assign(List.of(a0));
            manual.seek(a0, 1);
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (read.size() < 2 && System.nanoTime() < deadline) {
                read.addAll(manual.poll(Duration.ofMillis(200)));
            }
            assertThat(read).extracting(ConsumerRecord::offset).containsExactly(1L, 2L);
            assertThat(manual.position(a0)).isEqualTo(3);
            manual.seekToBeginning(List.of(a0));
            assertThat(manual.position(a0)).isZero();
            manual.seekToEnd(List.of(a0));
            assertThat(manual.position(a0)).isEqualTo(3);
            org.assertj.core.api.Assertions.assertThatThrownBy(manual::commitSync)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    private boolean processedAll(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!processed.containsKey("r-" + i)) {
                return false;
            }
        }
        return true;
    }

    private static void produce(EddyProducer<String, String> producer, String topic, int from, int to) {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = from; i < to; i++) {
            acks.add(producer.send(new ProducerRecord<>(topic, "k-" + i, "r-" + i))
                    .toCompletableFuture());
        }
        producer.flush();
        acks.forEach(CompletableFuture::join);
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
