package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.storage.MetadataStore;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.ClusterId;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The running server's Kafka face: kafka-clients' Admin reaches it and sees what the HTTP face created, and the same
 * records are behind both faces: what a KafkaProducer writes reads back over {@code POST /v1/fetch}, what HTTP
 * produces a KafkaConsumer reads, offsets, keys, values, headers and timestamps alike.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class KafkaFaceIT {
    @TestHTTPResource("/")
    URL url;

    @Inject
    KafkaStartup kafka;

    @Inject
    MetadataStore metadata;

    private Admin admin;

    @BeforeEach
    void connect() {
        admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers().orElseThrow(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    @AfterEach
    void close() {
        admin.close();
    }

    @Test
    void describeClusterAnswersWithTheAdvertisedNodeAndTheDeploymentsClusterId() throws Exception {
        String[] hostPort = kafka.bootstrapServers().orElseThrow().split(":");
        Node advertised = new Node(BrokerNode.SELF_ID, hostPort[0], Integer.parseInt(hostPort[1]));

        DescribeClusterResult cluster = admin.describeCluster();

        assertThat(hostPort[0]).isEqualTo("127.0.0.1");
        assertThat(Integer.parseInt(hostPort[1])).as("a free port in tests").isPositive();
        assertThat(cluster.nodes().get(30, TimeUnit.SECONDS)).containsExactly(advertised);
        assertThat(cluster.clusterId().get(30, TimeUnit.SECONDS))
                .isEqualTo(ClusterId.resolve(metadata)
                        .await()
                        .atMost(Duration.ofSeconds(30))
                        .value());
    }

    @Test
    void aTopicCreatedOverHttpIsListedAndDescribedOverKafka() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String topic = "both-faces-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 3}").status())
                .isEqualTo(201);

        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
        TopicDescription described = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        assertThat(described.partitions()).hasSize(3);
    }

    @Test
    void recordsAKafkaProducerWritesReadBackIdenticallyOverHttp() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String topic = createTopic(http, 2);
        List<Sent> sent = new ArrayList<>();
        Map<String, Object> settings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers().orElseThrow(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 20; i++) {
                Sent record = Sent.numbered(i % 2, i);
                RecordMetadata written =
                        producer.send(record.toProducerRecord(topic)).get(30, TimeUnit.SECONDS);
                sent.add(record.at(written.offset()));
            }
        }

        for (int partition = 0; partition < 2; partition++) {
            int p = partition;
            List<Sent> expected = sent.stream().filter(r -> r.partition() == p).toList();
            Http.Reply reply = http.post(
                    "/v1/fetch?encoding=base64",
                    "{\"partitions\": [{\"topic\": \"" + topic + "\", \"partition\": " + p + ", \"offset\": 0}]}");
            assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
            JsonNode response = reply.body().get("responses").get(0);
            List<Sent> read = new ArrayList<>();
            response.get("records").forEach(r -> read.add(Sent.fromHttp(p, r)));
            assertThat(read).containsExactlyElementsOf(expected);
            assertThat(response.get("high_watermark").asLong()).isEqualTo(expected.size());
        }
    }

    @Test
    void recordsProducedOverHttpAreConsumedIdenticallyByAKafkaConsumer() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String topic = createTopic(http, 2);
        List<Sent> sent = new ArrayList<>();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode records = body.putArray("records");
        List<Sent> unplaced = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Sent record = Sent.numbered(i % 2, i);
            unplaced.add(record);
            records.add(record.toHttp());
        }
        Http.Reply produced = http.post("/v1/topics/" + topic + "/records", body.toString());
        assertThat(produced.status()).as(produced.raw()).isEqualTo(200);
        for (int i = 0; i < unplaced.size(); i++) {
            JsonNode o = produced.body().get("offsets").get(i);
            assertThat(o.get("partition").asInt()).isEqualTo(unplaced.get(i).partition());
            sent.add(unplaced.get(i).at(o.get("offset").asLong()));
        }

        List<Sent> consumed = new ArrayList<>();
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers().orElseThrow(),
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumed.size() < sent.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    consumed.add(Sent.fromKafka(r));
                }
            }
        }

        assertThat(consumed).containsExactlyInAnyOrderElementsOf(sent);
        for (int p = 0; p < 2; p++) {
            int partition = p;
            assertThat(consumed.stream().filter(r -> r.partition() == partition).map(Sent::offset))
                    .as("partition %d in offset order", p)
                    .isSorted();
        }
    }

    @Test
    void whatAKafkaConsumerGroupCommittedShowsAsLagOverHttp() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String topic = createTopic(http, 2);
        String group = "kafka-readers-" + Long.toHexString(System.nanoTime());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode records = body.putArray("records");
        for (int i = 0; i < 10; i++) {
            records.add(Sent.numbered(i % 2, i).toHttp());
        }
        assertThat(http.post("/v1/topics/" + topic + "/records", body.toString())
                        .status())
                .isEqualTo(200);
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers().orElseThrow(),
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                20_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read < 10 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            assertThat(read).isEqualTo(10);
            consumer.commitSync();
        }
        ObjectNode more = JsonNodeFactory.instance.objectNode();
        ArrayNode late = more.putArray("records");
        for (int i = 10; i < 13; i++) {
            late.add(Sent.numbered(0, i).toHttp());
        }
        assertThat(http.post("/v1/topics/" + topic + "/records", more.toString())
                        .status())
                .isEqualTo(200);

        Http.Reply described = http.get("/v1/groups/" + group);

        assertThat(described.status()).as(described.raw()).isEqualTo(200);
        Map<Integer, Long> lag = new java.util.TreeMap<>();
        Map<Integer, Long> committed = new java.util.TreeMap<>();
        described.body().get("partitions").forEach(p -> {
            lag.put(p.get("partition").asInt(), p.get("lag").asLong());
            committed.put(p.get("partition").asInt(), p.get("committed_offset").asLong());
        });
        assertThat(committed).isEqualTo(Map.of(0, 5L, 1, 5L));
        assertThat(lag).isEqualTo(Map.of(0, 3L, 1, 0L));
    }

    private static String createTopic(Http http, int partitions) {
        String topic = "both-faces-" + Long.toHexString(System.nanoTime());
        Http.Reply created = http.put(
                "/v1/topics/" + topic, "{\"partitions\": " + partitions + ", \"config\": {\"retention.ms\": -1}}");
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return topic;
    }

    /** One record as either face writes or reads it; bytes held as text (keys, values, headers are UTF-8 here). */
    record Sent(int partition, long offset, long timestamp, String key, String value, List<String> headers) {
        private static final long EPOCH = 1_764_000_000_000L;
        private static final long UNKNOWN = -1;

        /** Record {@code i}: a key, a value of several scripts, two headers (one repeated name), a fixed timestamp. */
        static Sent numbered(int partition, int i) {
            return new Sent(
                    partition,
                    UNKNOWN,
                    EPOCH + i,
                    "key-" + i,
                    "value " + i + " naïve ✓",
                    List.of("trace=t-" + i, "trace=again", "bin=" + i % 3));
        }

        Sent at(long offset) {
            return new Sent(partition, offset, timestamp, key, value, headers);
        }

        ProducerRecord<byte[], byte[]> toProducerRecord(String topic) {
            List<Header> hs = headers.stream()
                    .map(h -> (Header)
                            new RecordHeader(h.substring(0, h.indexOf('=')), bytes(h.substring(h.indexOf('=') + 1))))
                    .toList();
            return new ProducerRecord<>(topic, partition, timestamp, bytes(key), bytes(value), hs);
        }

        ObjectNode toHttp() {
            ObjectNode r = JsonNodeFactory.instance.objectNode();
            r.put("partition", partition)
                    .put("timestamp", timestamp)
                    .put("key", key)
                    .put("value", value);
            ArrayNode hs = r.putArray("headers");
            headers.forEach(h -> hs.addObject()
                    .put("name", h.substring(0, h.indexOf('=')))
                    .put("value", h.substring(h.indexOf('=') + 1)));
            return r;
        }

        static Sent fromHttp(int partition, JsonNode r) {
            List<String> hs = new ArrayList<>();
            r.get("headers").forEach(h -> hs.add(h.get("name").asText() + "=" + text(h.get("value_b64"))));
            return new Sent(
                    partition,
                    r.get("offset").asLong(),
                    r.get("timestamp").asLong(),
                    text(r.get("key_b64")),
                    text(r.get("value_b64")),
                    hs);
        }

        static Sent fromKafka(ConsumerRecord<byte[], byte[]> r) {
            List<String> hs = new ArrayList<>();
            r.headers().forEach(h -> hs.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8)));
            return new Sent(
                    r.partition(),
                    r.offset(),
                    r.timestamp(),
                    new String(r.key(), StandardCharsets.UTF_8),
                    new String(r.value(), StandardCharsets.UTF_8),
                    hs);
        }

        private static byte[] bytes(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        private static String text(JsonNode b64) {
            return new String(Base64.getDecoder().decode(b64.asText()), StandardCharsets.UTF_8);
        }
    }
}
