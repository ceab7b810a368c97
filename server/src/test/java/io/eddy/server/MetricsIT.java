package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code /q/metrics} of a running server, scraped before and after real traffic over both faces: the meters move by
 * what was done, and {@code /v1/stats} reads the same registry.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class MetricsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL url;

    @Inject
    KafkaStartup kafka;

    private Http http() {
        return new Http(URI.create(url.toString()));
    }

    static Scrape scrape(Http http) {
        Http.Reply reply = http.get("/q/metrics");
        assertThat(reply.status()).isEqualTo(200);
        return Scrape.parse(reply.raw());
    }

    /** Scrapes until {@code done} holds, failing after the deadline with the last scrape's values. */
    static Scrape scrapeUntil(Http http, Predicate<Scrape> done) throws InterruptedException {
        Instant deadline = Instant.now().plus(DEADLINE);
        Scrape last = scrape(http);
        while (!done.test(last) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            last = scrape(http);
        }
        return last;
    }

    private static String createTopic(Http http, int partitions) {
        String topic = "metrics-" + Long.toHexString(System.nanoTime());
        assertThat(http.put(
                                "/v1/topics/" + topic,
                                "{\"partitions\": " + partitions + ", \"config\": {\"retention.ms\": -1}}")
                        .status())
                .isEqualTo(201);
        return topic;
    }

    @Test
    void httpProduceAndFetchMoveRequestRecordAndStorageMetersByWhatWasDone() {
        Http http = http();
        String topic = createTopic(http, 2);
        Scrape before = scrape(http);

        // when: one request of 7 records, one that fails for a missing topic, and a fetch of partition 0
        String records = records(7, i -> "{\"value\": \"v" + i + "\", \"partition\": " + i % 2 + "}");
        assertThat(http.post("/v1/topics/" + topic + "/records", "{\"records\": [" + records + "]}")
                        .status())
                .isEqualTo(200);
        assertThat(http.post("/v1/topics/no-such-" + topic + "/records", "{\"records\": [{\"value\": 1}]}")
                        .status())
                .isEqualTo(404);
        Http.Reply fetched = http.get("/v1/topics/" + topic + "/partitions/0/records?offset=0");
        assertThat(fetched.body().get("records")).hasSize(4);
        Scrape after = scrape(http);

        // then
        assertThat(after.value("eddy_records_in_total", "api", "http", "topic", topic))
                .isEqualTo(7);
        assertThat(after.value("eddy_bytes_in_total", "api", "http", "topic", topic))
                .isPositive();
        assertThat(after.value("eddy_records_out_total", "api", "http", "topic", topic))
                .isEqualTo(4);
        assertThat(after.value("eddy_bytes_out_total", "api", "http", "topic", topic))
                .isPositive();
        assertThat(delta(before, after, "eddy_produce_requests_total", "api", "http", "outcome", "success"))
                .isEqualTo(1);
        assertThat(delta(before, after, "eddy_produce_requests_total", "api", "http", "outcome", "client_error"))
                .isEqualTo(1);
        assertThat(delta(before, after, "eddy_produce_ack_seconds_count", "api", "http"))
                .isEqualTo(2);
        assertThat(delta(before, after, "eddy_fetch_requests_total", "api", "http", "outcome", "success"))
                .isEqualTo(1);
        assertThat(after.has("eddy_produce_ack_seconds_bucket", "api", "http", "le", "+Inf"))
                .isTrue();
        assertThat(delta(before, after, "eddy_flushed_records_total")).isGreaterThanOrEqualTo(7);
        assertThat(delta(before, after, "eddy_flush_records_count")).isGreaterThanOrEqualTo(1);
        assertThat(delta(before, after, "eddy_flush_size_bytes_sum")).isPositive();
        assertThat(delta(before, after, "eddy_s3_requests_total", "operation", "PutObject", "outcome", "success"))
                .isGreaterThanOrEqualTo(1);
        assertThat(delta(before, after, "eddy_s3_request_seconds_count", "operation", "PutObject"))
                .isGreaterThanOrEqualTo(1);
        assertThat(delta(
                        before,
                        after,
                        "eddy_dynamodb_requests_total",
                        "operation",
                        "TransactWriteItems",
                        "outcome",
                        "success"))
                .isGreaterThanOrEqualTo(1);
        assertThat(after.has("eddy_lease_acquisitions_total")).isTrue();
        assertThat(after.has("eddy_cache_hits_total", "tier", "memory")).isTrue();
    }

    @Test
    void aConditionalWriteThatLostIsCountedAsRefusedNotAsAnError() {
        Http http = http();
        String topic = createTopic(http, 1);
        Scrape before = scrape(http);

        // when: the topic is created again, a transaction whose condition (no such topic yet) fails
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 1}").status())
                .isEqualTo(409);
        Scrape after = scrape(http);

        // then
        String[] refused = {"operation", "TransactWriteItems", "outcome", "refused"};
        String[] error = {"operation", "TransactWriteItems", "outcome", "error"};
        assertThat(delta(before, after, "eddy_dynamodb_requests_total", refused))
                .isEqualTo(1);
        assertThat(delta(before, after, "eddy_dynamodb_requests_total", error)).isZero();
    }

    @Test
    void kafkaClientsTrafficIsMeteredUnderTheKafkaApi() throws Exception {
        Http http = http();
        String topic = createTopic(http, 1);
        Scrape before = scrape(http);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers().orElseThrow()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("r" + i).getBytes()))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> consumed = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers().orElseThrow(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            Instant deadline = Instant.now().plus(DEADLINE);
            while (consumed.size() < 5 && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(consumed::add);
            }
        }
        assertThat(consumed).hasSize(5);
        Scrape after = scrape(http);

        assertThat(after.value("eddy_records_in_total", "api", "kafka", "topic", topic))
                .isEqualTo(5);
        assertThat(after.value("eddy_records_out_total", "api", "kafka", "topic", topic))
                .isEqualTo(5);
        assertThat(after.value("eddy_bytes_out_total", "api", "kafka", "topic", topic))
                .isPositive();
        assertThat(delta(before, after, "eddy_produce_requests_total", "api", "kafka", "outcome", "success"))
                .isGreaterThanOrEqualTo(5);
        assertThat(delta(before, after, "eddy_fetch_seconds_count", "api", "kafka"))
                .isGreaterThanOrEqualTo(1);
        assertThat(after.value("eddy_records_in_total", "api", "http", "topic", topic))
                .isZero();
    }

    @Test
    void aGroupsLagShowsInOffsetsAndInSecondsFromRecordTimestampsWithItsMembers() throws Exception {
        Http http = http();
        String topic = createTopic(http, 1);
        String group = "metrics-group-" + Long.toHexString(System.nanoTime());
        long hourAgo = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        String records = records(5, i -> "{\"value\": " + i + ", \"timestamp\": " + (hourAgo + i) + "}");
        assertThat(http.post("/v1/topics/" + topic + "/partitions/0/records", "{\"records\": [" + records + "]}")
                        .status())
                .isEqualTo(200);
        Scrape before = scrape(http);

        // when: a member joins and commits offset 2 of 5
        JsonNode joined = http.put(
                        "/v1/groups/" + group + "/members/a", "{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"]}")
                .body();
        long epoch = joined.get("member_epoch").asLong();
        assertThat(http.post(
                                "/v1/groups/" + group + "/offsets",
                                "{\"member_id\": \"a\", \"member_epoch\": " + epoch + ", \"offsets\": [{\"topic\": \""
                                        + topic + "\", \"partition\": 0, \"offset\": 2}]}")
                        .status())
                .isEqualTo(200);

        // then: the sampler reports 3 records of lag, the oldest of them an hour old, and one member
        String[] partition = {"group", group, "topic", topic, "partition", "0"};
        Scrape after = scrapeUntil(http, s -> s.has("eddy_group_lag_records", partition));
        assertThat(after.value("eddy_group_lag_records", partition)).isEqualTo(3);
        assertThat(after.value("eddy_group_lag_seconds", partition)).isBetween(3590.0, 3700.0);
        assertThat(after.value("eddy_group_members", "group", group)).isEqualTo(1);
        assertThat(delta(before, after, "eddy_commit_requests_total", "api", "http", "outcome", "success"))
                .isEqualTo(1);
        assertThat(delta(before, after, "eddy_commit_seconds_count", "api", "http"))
                .isEqualTo(1);
    }

    @Test
    void statsAreReadFromTheSameRegistryAsTheScrape() {
        Http http = http();
        String topic = createTopic(http, 1);
        assertThat(http.post("/v1/topics/" + topic + "/records", "{\"records\": [{\"value\": 1}]}")
                        .status())
                .isEqualTo(200);

        // when: read twice with no produce between (no scheduled compaction in tests; the group sampler only reads)
        JsonNode stats = http.get("/v1/stats").body();
        Scrape scrape = scrape(http);

        assertThat(stats.at("/produce/records").asDouble()).isEqualTo(scrape.value("eddy_flushed_records_total"));
        assertThat(stats.at("/produce/flushes").asDouble()).isEqualTo(scrape.value("eddy_flushes_total"));
        assertThat(stats.at("/cache/block_bytes").asDouble()).isEqualTo(scrape.value("eddy_cache_block_size_bytes"));
        assertThat(stats.at("/s3/requests/PutObject").asDouble())
                .isEqualTo(scrape.value("eddy_s3_attempts_total", "operation", "PutObject"));
        assertThat(stats.at("/produce/records").asLong()).isPositive();
    }

    @Test
    void everyQueryOfTheGrafanaDashboardNamesAMetricTheServerExposes() throws Exception {
        Http http = http();
        // given: produce, fetch, a group of two members (one rebalance) that commits, and a compaction pass
        String topic = createTopic(http, 2);
        assertThat(http.post("/v1/topics/" + topic + "/records", "{\"records\": [{\"value\": 1}, {\"value\": 2}]}")
                        .status())
                .isEqualTo(200);
        assertThat(http.get("/v1/topics/" + topic + "/partitions/0/records?offset=0")
                        .status())
                .isEqualTo(200);
        String group = "grafana-" + Long.toHexString(System.nanoTime());
        String subscribe = GroupFixtures.joinAndCommitOne(http, group, topic);
        scrapeUntil(http, s -> s.has("eddy_group_rebalances_total", "group", group));
        assertThat(http.put("/v1/groups/" + group + "/members/b", subscribe).status())
                .isEqualTo(200);
        assertThat(http.post("/v1/admin/compact?dry_run=true&topic=" + topic, "")
                        .status())
                .isEqualTo(200);
        Scrape scrape = scrapeUntil(http, s -> s.value("eddy_group_rebalances_total", "group", group) > 0);

        // when: every metric name in the dashboard's queries
        JsonNode dashboard = Http.JSON.readTree(
                java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "grafana", "eddy.json")));
        java.util.Set<String> named = new java.util.TreeSet<>();
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\beddy_[a-z0-9_]+");
        dashboard.findValues("expr").forEach(expr -> {
            java.util.regex.Matcher m = metric.matcher(expr.asText());
            while (m.find()) {
                named.add(m.group());
            }
        });

        // then: each is exposed
        assertThat(named).hasSizeGreaterThan(20);
        assertThat(named)
                .allSatisfy(name -> assertThat(scrape.has(name))
                        .as("%s is in /q/metrics", name)
                        .isTrue());
        assertThat(scrape.value("eddy_group_rebalances_total", "group", group)).isPositive();
    }

    /** {@code n} records as a JSON array's items, the {@code i}th as {@code record} makes it. */
    private static String records(int n, java.util.function.IntFunction<String> record) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(record)
                .collect(java.util.stream.Collectors.joining(","));
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }
}
