package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.client.ConsumerRecord;
import io.eddy.client.EddyClientException;
import io.eddy.client.EddyConsumer;
import io.eddy.client.EddyProducer;
import io.eddy.client.ProducerRecord;
import io.eddy.client.RecordMetadata;
import io.eddy.client.TopicPartition;
import io.eddy.client.http.HttpTransport;
import io.eddy.client.http.JdkHttpTransport;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The Java producer against the server: exactly once into the log under injected retries, the server's partitioner. */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class ClientProducerIT {
    private static final int PARTITIONS = 6;

    @TestHTTPResource("/")
    URL url;

    /**
     * Every 3rd produce request reaches the server but its answer is lost; every 5th fails to connect (never
     * sent); every 7th is sent twice. Other calls pass through.
     */
    static final class FaultyTransport implements HttpTransport {
        final HttpTransport real = new JdkHttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(30));
        final AtomicInteger produces = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger doubled = new AtomicInteger();

        @Override
        public CompletableFuture<Response> send(Request request) {
            if (!request.method().equals("POST") || !request.uri().getPath().endsWith("/records")) {
                return real.send(request);
            }
            int n = produces.incrementAndGet();
            if (n % 3 == 0) {
                lost.incrementAndGet();
                return real.send(request)
                        .thenCompose(r -> CompletableFuture.failedFuture(
                                new IOException("injected: the connection closed before the answer")));
            }
            if (n % 5 == 0) {
                refused.incrementAndGet();
                return CompletableFuture.failedFuture(new ConnectException("injected: connection refused"));
            }
            if (n % 7 == 0) {
                doubled.incrementAndGet();
                return real.send(request).thenCompose(first -> real.send(request));
            }
            return real.send(request);
        }
    }

    @Test
    void idempotentProducerWritesEveryRecordExactlyOnceDespiteLostAnswersAndDuplicates() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String topic = "client-eos-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": " + PARTITIONS + "}")
                        .status())
                .isEqualTo(201);
        FaultyTransport faults = new FaultyTransport();
        int records = 3_000;

        // when: keyed records through a producer whose requests fail in the three ways above
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (EddyProducer<String, String> producer = new EddyProducer<>(
                Map.of(
                        "url",
                        url.toString(),
                        "linger.ms",
                        "2",
                        "batch.size",
                        "2048",
                        "max.request.size",
                        "2048",
                        "retry.backoff.ms",
                        "5",
                        "retry.backoff.max.ms",
                        "50"),
                new StringSerializer(),
                new StringSerializer(),
                faults)) {
            for (int i = 0; i < records; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % 50), "value-" + i))
                        .toCompletableFuture());
            }
            producer.flush();
        }

        // then: every send succeeded, and the log holds each record once, at the offset its ack named
        Map<String, RecordMetadata> acked = new HashMap<>();
        for (int i = 0; i < records; i++) {
            acked.put("value-" + i, sent.get(i).get());
        }
        // small requests (max.request.size): many of them, so every kind of fault happens several times
        assertThat(faults.produces.get()).isGreaterThan(40);
        assertThat(faults.lost.get()).isPositive();
        assertThat(faults.refused.get()).isPositive();
        assertThat(faults.doubled.get()).isPositive();
        List<ConsumerRecord<String, String>> log = readAll(topic, records);
        assertThat(log).hasSize(records);
        assertThat(log).extracting(ConsumerRecord::value).doesNotHaveDuplicates();
        for (ConsumerRecord<String, String> r : log) {
            RecordMetadata m = acked.get(r.value());
            assertThat(m).as(r.value()).isNotNull();
            assertThat(new TopicPartition(m.topic(), m.partition()).toString() + "@" + m.offset())
                    .isEqualTo(r.topicPartition() + "@" + r.offset());
        }
        // per key, the records are in send order (one batch in flight per partition)
        Map<String, Integer> lastByKey = new HashMap<>();
        for (ConsumerRecord<String, String> r : log) {
            int i = Integer.parseInt(r.value().substring("value-".length()));
            Integer before = lastByKey.put(r.key(), i);
            assertThat(before == null || before < i).as("order of %s", r.key()).isTrue();
        }
        // and a key lands where the server's own partitioner puts it (Kafka's murmur2)
        for (String key : List.of("key-0", "key-7", "key-49")) {
            Http.Reply r = http.post(
                    "/v1/topics/" + topic + "/records", "{\"records\": [{\"key\": \"" + key + "\", \"value\": 1}]}");
            int serverPartition =
                    r.body().get("offsets").get(0).get("partition").asInt();
            int clientPartition = log.stream()
                    .filter(c -> c.key().equals(key))
                    .findFirst()
                    .orElseThrow()
                    .partition();
            assertThat(clientPartition).as(key).isEqualTo(serverPartition);
        }
    }

    @Test
    void sendToAnUnknownTopicFailsWithItsCodeAndAFullBufferFailsAfterMaxBlock() {
        try (EddyProducer<String, String> producer =
                new EddyProducer<>(Map.of("url", url.toString()), new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("no-such-topic-" + System.nanoTime(), "k", "v"))
                            .toCompletableFuture()
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(EddyClientException.class)
                    .extracting(e -> ((EddyClientException) e).code())
                    .isEqualTo("unknown_topic");
        }
        // a server that never answers: the buffer fills, and send gives up after max.block.ms
        Http http = new Http(URI.create(url.toString()));
        String topic = "client-buffer-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 1}").status())
                .isEqualTo(201);
        HttpTransport hangingProduce = new HttpTransport() {
            final HttpTransport real = new JdkHttpTransport(Duration.ofSeconds(5), Duration.ofSeconds(30));

            @Override
            public CompletableFuture<Response> send(Request request) {
                return request.method().equals("POST")
                                && request.uri().getPath().endsWith("/records")
                        ? new CompletableFuture<>()
                        : real.send(request);
            }
        };
        EddyProducer<String, String> producer = new EddyProducer<>(
                Map.of(
                        "url",
                        url.toString(),
                        "max.block.ms",
                        "300",
                        "buffer.memory",
                        "4096",
                        "enable.idempotence",
                        "false"),
                new StringSerializer(),
                new StringSerializer(),
                hangingProduce);
        try {
            long start = System.nanoTime();
            CompletableFuture<RecordMetadata> last = null;
            for (int i = 0; i < 200 && (last == null || !last.isCompletedExceptionally()); i++) {
                last = producer.send(new ProducerRecord<>(topic, null, "x".repeat(100)))
                        .toCompletableFuture();
            }
            assertThat(last).isCompletedExceptionally();
            assertThatThrownBy(last::join)
                    .cause()
                    .isInstanceOf(EddyClientException.class)
                    .extracting(e -> ((EddyClientException) e).code())
                    .isEqualTo(EddyClientException.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        } finally {
            producer.close(Duration.ofMillis(100));
        }
    }

    private List<ConsumerRecord<String, String>> readAll(String topic, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (EddyConsumer<String, String> consumer =
                new EddyConsumer<>(Map.of("url", url.toString()), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                out.addAll(consumer.poll(Duration.ofMillis(500)));
            }
            // nothing more than expected arrives
            out.addAll(consumer.poll(Duration.ofMillis(300)));
        }
        out.sort((a, b) -> a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return out;
    }
}
