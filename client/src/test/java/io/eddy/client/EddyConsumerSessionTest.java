package io.eddy.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.client.http.HttpTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer's view of its group session, against an in-memory group server and a clock the test moves: what
 * it delivers once no heartbeat has been answered for a session, and how a static member's refused join is
 * retried.
 */
class EddyConsumerSessionTest {
    private static final long SESSION = 10_000;
    private static final Pattern OFFSET = Pattern.compile("offset=(\\d+)");

    private final TestClock clock = new TestClock();
    private final GroupServer server = new GroupServer();
    private final Lost listener = new Lost();
    private EddyConsumer<String, String> consumer;

    private EddyConsumer<String, String> consumer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(
                "url",
                "http://eddy.test:8080",
                "group.id",
                "g",
                "client.id",
                "m",
                "session.timeout.ms",
                SESSION,
                "enable.auto.commit",
                false,
                "auto.offset.reset",
                "earliest"));
        config.putAll(extra);
        consumer = new EddyConsumer<>(config, new StringDeserializer(), new StringDeserializer(), server, clock);
        return consumer;
    }

    @AfterEach
    void close() {
        server.release(); // a heartbeat left hanging would hold close() until the member's thread gives up
        if (consumer != null) {
            consumer.close();
        }
    }

    /** Polls until some records come (the member's first answer arrives on its own thread), for at most 10 s. */
    private static List<ConsumerRecord<String, String>> firstRecords(EddyConsumer<String, String> c) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<ConsumerRecord<String, String>> out = List.of();
        while (out.isEmpty() && System.nanoTime() < deadline) {
            out = c.poll(Duration.ofMillis(200));
        }
        return out;
    }

    @Test
    void aConsumerCutOffFromTheServerStopsDeliveringOnceItsSessionCanHaveExpired() {
        // given: the first heartbeat (sent at the clock's start) is answered, every later one hangs (cut off)
        server.heartbeats = n -> n == 1 ? GroupServer.assigned() : new CompletableFuture<>();
        EddyConsumer<String, String> c = consumer(Map.of());
        c.subscribe(List.of("t"), listener);
        assertThat(firstRecords(c)).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L);

        // within the session the member still owns the partition
        clock.advance(SESSION - 1);
        assertThat(c.poll(Duration.ofSeconds(5)))
                .extracting(ConsumerRecord::offset)
                .containsExactly(3L, 4L, 5L);
        assertThat(listener.lost).isEmpty();

        // when: a whole session has passed since the last answered heartbeat was sent
        clock.advance(1);
        List<ConsumerRecord<String, String>> after = c.poll(Duration.ofMillis(300));

        // then: nothing more is delivered, the partition is lost, not revoked
        assertThat(after).as("records after the session can have expired").isEmpty();
        assertThat(listener.lost).containsExactly(List.of(new TopicPartition("t", 0)));
        assertThat(listener.revoked).isEmpty();
        assertThat(c.assignment()).isEmpty();
    }

    @Test
    void aStaticMemberRetriesAJoinRefusedWhileItsPredecessorLives() throws Exception {
        // given: the instance id is still held by a live predecessor for the first two joins
        server.heartbeats = n -> n <= 2
                ? CompletableFuture.completedFuture(GroupServer.problem(409, "unreleased_instance_id", true))
                : GroupServer.assigned();
        EddyConsumer<String, String> c = consumer(Map.of("group.instance.id", "host-a"));
        c.subscribe(List.of("t"), listener);

        // then: it joins again until it is let in, and consumes
        assertThat(firstRecords(c)).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L);
        assertThat(List.copyOf(server.bodies).subList(0, 3))
                .allSatisfy(b -> assertThat(b).contains("\"member_epoch\":0").contains("\"instance_id\":\"host-a\""));
        assertThat(listener.lost).isEmpty();
    }

    /** A clock the test moves; starts at a fixed instant. Thread-safe. */
    static final class TestClock extends Clock {
        private final AtomicLong millis = new AtomicLong(1_764_000_000_000L);

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** Records the rebalance callbacks. */
    static final class Lost implements RebalanceListener {
        final List<List<TopicPartition>> lost = new CopyOnWriteArrayList<>();
        final List<List<TopicPartition>> revoked = new CopyOnWriteArrayList<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.add(List.copyOf(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            lost.add(List.copyOf(partitions));
        }
    }

    /**
     * An in-memory group server: heartbeats answered by the test's policy (by their number, from 1), fetches of
     * topic {@code t} partition 0 answered with three records from the asked offset, leaves and commits accepted.
     * Heartbeats still unanswered are failed (503) by {@link #release}. Thread-safe.
     */
    static final class GroupServer implements HttpTransport {
        volatile IntFunction<CompletableFuture<Response>> heartbeats = n -> assigned();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        private final Map<Integer, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();

        static Response problem(int status, String code, boolean retryable) {
            return json(
                    status,
                    "{\"code\": \"" + code + "\", \"detail\": \"injected " + code + "\", \"retryable\": " + retryable
                            + "}");
        }

        static CompletableFuture<Response> assigned() {
            return CompletableFuture.completedFuture(
                    json(
                            200,
                            "{\"group\": \"g\", \"member_id\": \"m\", "
                                    + "\"member_epoch\": 1, \"heartbeat_interval_ms\": 1000, \"assignment\": [{\"topic\": \"t\", "
                                    + "\"partition\": 0, \"offset\": 0, \"committed\": false}], \"revoke\": [], \"pending\": []}"));
        }

        private static Response json(int status, String body) {
            return new Response(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
        }

        void release() {
            pending.values().forEach(f -> f.complete(problem(503, "storage_unavailable", true)));
        }

        @Override
        public CompletableFuture<Response> send(Request request) {
            String path = request.uri().getPath();
            if (request.method().equals("PUT") && path.equals("/v1/groups/g/members/m")) {
                bodies.add(new String(request.body(), StandardCharsets.UTF_8));
                int n = bodies.size();
                CompletableFuture<Response> answer = heartbeats.apply(n);
                if (!answer.isDone()) {
                    pending.put(n, answer);
                }
                return answer;
            }
            if (request.method().equals("GET") && path.equals("/v1/topics/t/partitions/0/records")) {
                Matcher m = OFFSET.matcher(request.uri().getQuery());
                long from = m.find() ? Long.parseLong(m.group(1)) : 0;
                return CompletableFuture.completedFuture(new Response(200, Map.of(), frame(from)));
            }
            if (request.method().equals("DELETE")) {
                return CompletableFuture.completedFuture(new Response(204, Map.of(), new byte[0]));
            }
            return CompletableFuture.completedFuture(problem(404, "not_found", false));
        }

        /** One fetch frame (partition, length, Kafka batch) of three records from {@code base}. */
        private static byte[] frame(long base) {
            List<SimpleRecord> records = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                records.add(new SimpleRecord(0, null, ("v" + (base + i)).getBytes(StandardCharsets.UTF_8)));
            }
            ByteBuffer batch = MemoryRecords.withRecords(base, Compression.NONE, records.toArray(SimpleRecord[]::new))
                    .buffer();
            ByteBuffer out = ByteBuffer.allocate(8 + batch.remaining());
            out.putInt(0).putInt(batch.remaining()).put(batch);
            return out.array();
        }
    }
}
