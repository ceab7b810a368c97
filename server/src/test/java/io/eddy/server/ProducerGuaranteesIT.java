package io.eddy.server;

import static io.eddy.testkit.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.core.format.BatchFrames;
import io.eddy.core.storage.ResourceBootstrap;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.IntStream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The write path's guarantees as a client sees them over HTTP: binary batches, compression, idempotent
 * producers, Idempotency-Key, acks across replica buckets, acks=0 and group commit. Here rather than beside
 * ingest-fn because each guarantee is checked by reading the records back through fetch-fn, and fetch-fn's tests
 * already depend on ingest-fn.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class ProducerGuaranteesIT {
    private static final long T0 = 1_764_000_000_000L;

    @TestHTTPResource("/")
    URL url;

    @Inject
    S3AsyncClient s3;

    Http http;
    String topic;

    @BeforeEach
    void topic() {
        http = new Http(URI.create(url.toString()));
        topic = "guarantees-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 3, \"config\": {\"max.message.bytes\": 4000}}")
                        .status())
                .isEqualTo(201);
    }

    // ---- binary produce ------------------------------------------------------------------------------------

    @Test
    void binaryBatchesInEveryCodecAreStoredAndReadBackWithTheirOffsets() {
        List<Compression> codecs = List.of(
                Compression.NONE,
                Compression.gzip().build(),
                Compression.snappy().build(),
                Compression.lz4().build(),
                Compression.zstd().build());
        List<BatchFrames.Frame> frames = new ArrayList<>();
        for (int i = 0; i < codecs.size(); i++) {
            frames.add(new BatchFrames.Frame(
                    i % 2,
                    batch(codecs.get(i), RecordBatch.NO_PRODUCER_ID, (short) -1, -1, "c" + i + "-a", "c" + i + "-b")));
        }

        Http.Reply r = produceBatches(frames);

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().get("batches"))
                .extracting(b ->
                        b.get("partition").asInt() + ":" + b.get("base_offset").asLong() + "-"
                                + b.get("last_offset").asLong())
                .containsExactly("0:0-1", "1:0-1", "0:2-3", "1:2-3", "0:4-5");
        assertThat(values(0)).containsExactly("c0-a", "c0-b", "c2-a", "c2-b", "c4-a", "c4-b");
        assertThat(values(1)).containsExactly("c1-a", "c1-b", "c3-a", "c3-b");
    }

    @Test
    void aCorruptBatchRejectsTheWholeRequestAndStoresNothing() {
        ByteBuffer good = batch(Compression.NONE, RecordBatch.NO_PRODUCER_ID, (short) -1, -1, "fine");
        ByteBuffer bad = batch(Compression.NONE, RecordBatch.NO_PRODUCER_ID, (short) -1, -1, "flipped");
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 1)); // a bit flip the CRC covers
        long puts = s3Puts();

        Http.Reply r = produceBatches(List.of(new BatchFrames.Frame(0, good), new BatchFrames.Frame(1, bad)));

        assertProblem(r, 400, "corrupt_batch");
        assertThat(r.body().get("frame").asInt()).isEqualTo(1);
        assertNothingStored(puts);
    }

    @Test
    void aBatchOverMaxMessageBytesIsTooLargeAndStoresNothing() {
        long puts = s3Puts();
        Http.Reply r = produceBatches(List.of(new BatchFrames.Frame(
                0, batch(Compression.NONE, RecordBatch.NO_PRODUCER_ID, (short) -1, -1, "x".repeat(5000)))));
        assertProblem(r, 413, "record_too_large");
        assertNothingStored(puts);
    }

    @Test
    void jsonProduceCanAskTheServerToCompress() {
        String body = "{\"records\": ["
                + String.join(
                        ",",
                        IntStream.range(0, 20)
                                .mapToObj(i ->
                                        "{\"value\": \"the same words again and again " + i + "\", \"partition\": 2}")
                                .toList())
                + "]}";
        for (String codec : List.of("gzip", "snappy", "lz4", "zstd")) {
            assertThat(http.post(records() + "?compression=" + codec, body).status())
                    .as(codec)
                    .isEqualTo(200);
        }
        assertThat(values(2))
                .hasSize(80)
                .startsWith("the same words again and again 0")
                .endsWith("the same words again and again 19");
        Http.Reply unknown = http.post(records() + "?compression=brotli", body);
        assertProblem(unknown, 400, "invalid_parameter");
        assertThat(unknown.body().get("allowed"))
                .extracting(JsonNode::asText)
                .containsExactly("none", "gzip", "snappy", "lz4", "zstd");
    }

    // ---- idempotent producers ------------------------------------------------------------------------------

    @Test
    void aRetriedIdempotentBatchGetsItsOriginalOffsetsAndIsStoredOnce() {
        JsonNode producer = registerProducer();
        String body = idempotent(producer.get("producer_id").asLong(), 0, 0, "a", "b", "c");

        Http.Reply first = http.post(records(), body);
        Http.Reply retry = http.post(records(), body);

        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        assertThat(retry.status()).as(retry.raw()).isEqualTo(200);
        assertThat(offsets(retry)).isEqualTo(offsets(first)).containsExactly(0L, 1L, 2L);
        assertThat(values(0)).containsExactly("a", "b", "c");
    }

    @Test
    void aSequenceGapIsOutOfOrderAndStoresNothing() {
        long id = registerProducer().get("producer_id").asLong();
        assertThat(http.post(records(), idempotent(id, 0, 0, "a", "b")).status())
                .isEqualTo(200);

        assertProblem(http.post(records(), idempotent(id, 0, 5, "gap")), 409, "out_of_order_sequence");

        assertThat(values(0)).containsExactly("a", "b");
    }

    @Test
    void bumpingTheEpochFencesTheOlderInstance() {
        long id = registerProducer().get("producer_id").asLong();
        assertThat(http.post(records(), idempotent(id, 0, 0, "old")).status()).isEqualTo(200);

        Http.Reply bumped = bump(id, 0);
        assertThat(bumped.status()).as(bumped.raw()).isEqualTo(200);
        assertThat(bumped.body().get("producer_id").asLong()).isEqualTo(id);
        assertThat(bumped.body().get("epoch").asInt()).isEqualTo(1);

        assertProblem(http.post(records(), idempotent(id, 0, 1, "zombie")), 409, "producer_fenced");
        assertThat(http.post(records(), idempotent(id, 1, 0, "new")).status()).isEqualTo(200);
        assertThat(values(0)).containsExactly("old", "new");
    }

    @Test
    void binaryBatchesCarryTheProducerInTheirHeader() {
        long id = registerProducer().get("producer_id").asLong();
        List<BatchFrames.Frame> frames =
                List.of(new BatchFrames.Frame(1, batch(Compression.NONE, id, (short) 0, 0, "x", "y")));

        Http.Reply first = produceBatches(frames);
        Http.Reply retry = produceBatches(frames);
        Http.Reply gap =
                produceBatches(List.of(new BatchFrames.Frame(1, batch(Compression.NONE, id, (short) 0, 7, "z"))));

        assertThat(retry.body()).isEqualTo(first.body());
        assertProblem(gap, 409, "out_of_order_sequence");
        assertThat(values(1)).containsExactly("x", "y");
    }

    @Test
    void unknownProducersAndBadIdsAreClientErrors() {
        assertProblem(
                http.post("/v1/producers/not-a-number/epoch", "application/json", new byte[0]),
                400,
                "invalid_parameter");
        assertProblem(bump(987654321987L, 0), 404, "unknown_producer");
    }

    @Test
    void producerIdsAreNotACounter() {
        List<Long> ids = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> registerProducer().get("producer_id").asLong())
                .toList();

        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id > 0);
        for (int i = 1; i < ids.size(); i++) {
            assertThat(Math.abs(ids.get(i) - ids.get(i - 1)))
                    .as("ids %s are guessable from each other", ids)
                    .isGreaterThan(1_000_000L);
        }
    }

    @Test
    void aBumpMustPresentTheCurrentEpochAndAStaleOneIsFenced() {
        long id = registerProducer().get("producer_id").asLong();
        assertProblem(
                http.post("/v1/producers/" + id + "/epoch", "application/json", new byte[0]), 400, "invalid_request");
        assertProblem(bump(id, 3), 409, "producer_fenced");
        assertThat(bump(id, 0).body().get("epoch").asInt()).isEqualTo(1);
        assertThat(bump(id, 1).body().get("epoch").asInt()).isEqualTo(2);

        // epoch 0 is two bumps old: fenced, and nothing changes
        assertProblem(bump(id, 0), 409, "producer_fenced");
        // the epoch the last bump started from is a retry of it whose answer was lost (Kafka's KIP-360): no new bump
        assertThat(bump(id, 1).body().get("epoch").asInt()).isEqualTo(2);
        assertThat(http.post(records(), idempotent(id, 2, 0, "current")).status())
                .isEqualTo(200);
        assertProblem(http.post(records(), idempotent(id, 1, 0, "zombie")), 409, "producer_fenced");
    }

    private Http.Reply bump(long producerId, int epoch) {
        return http.post("/v1/producers/" + producerId + "/epoch", "{\"epoch\": " + epoch + "}");
    }

    // ---- Idempotency-Key -----------------------------------------------------------------------------------

    @Test
    void anIdempotencyKeyReplaysTheFirstResponseAndRefusesADifferentRequest() {
        String key = "order-" + topic;
        String body = "{\"records\": [{\"value\": \"once\", \"partition\": 1}]}";

        Http.Reply first = post(body, key);
        Http.Reply retry = post(body, key);
        Http.Reply other = post("{\"records\": [{\"value\": \"twice\", \"partition\": 1}]}", key);

        assertThat(first.status()).isEqualTo(200);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertProblem(other, 422, "idempotency_key_reused");
        assertThat(values(1)).containsExactly("once");
        assertProblem(post(body, "has space"), 400, "invalid_parameter");
    }

    @Test
    void aClientErrorIsTheKeysAnswerToo() {
        String key = "bad-" + topic;
        String body = "{\"records\": [{\"value\": \"x\", \"partition\": 9}]}";
        assertProblem(post(body, key), 404, "unknown_partition");
        assertProblem(post(body, key), 404, "unknown_partition");
    }

    @Test
    void aLargeRequestUnderAnIdempotencyKeyIsReplayedWhole() {
        String key = "large-" + topic;
        int n = 10_000;
        String body = "{\"records\": ["
                + String.join(
                        ",",
                        IntStream.range(0, n)
                                .mapToObj(i -> "{\"value\": " + i + ", \"partition\": " + (i % 3) + ", \"timestamp\": "
                                        + (T0 + i * 7919L) + "}")
                                .toList())
                + "]}";

        Http.Reply first = post(body, key);
        Http.Reply retry = post(body, key);

        assertThat(first.status())
                .as(first.raw().substring(0, Math.min(400, first.raw().length())))
                .isEqualTo(200);
        assertThat(first.body().get("offsets")).hasSize(n);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(latest(0) + latest(1) + latest(2)).isEqualTo(n);
    }

    // ---- acks ----------------------------------------------------------------------------------------------

    @Test
    void acksAllWritesEveryReplicaBucket() {
        String primary = http.get("/v1/topics/" + topic)
                .body()
                .get("config")
                .get("replicas")
                .get(0)
                .asText();
        // the deployment's other bucket (eddy.storage.buckets): a topic may name no bucket outside it
        String replica = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValues("eddy.storage.buckets", String.class)
                .stream()
                .filter(b -> !b.equals(primary))
                .findFirst()
                .orElseThrow();
        ResourceBootstrap.ensureBuckets(s3, List.of(replica));
        String name = topic + "-r";
        assertThat(http.put(
                                "/v1/topics/" + name,
                                "{\"partitions\": 1, \"config\": {\"replicas\": [\"" + primary + "\", \"" + replica
                                        + "\"]}}")
                        .status())
                .isEqualTo(201);
        long puts = s3Puts();

        Http.Reply r = http.post("/v1/topics/" + name + "/records?acks=all", "{\"records\": [{\"value\": \"safe\"}]}");

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(s3Puts() - puts).as("one PUT per bucket").isEqualTo(2);
        assertThat(http.get("/v1/topics/" + name + "/partitions/0/records?offset=0")
                        .body()
                        .get("records")
                        .get(0)
                        .get("value")
                        .asText())
                .isEqualTo("safe");
    }

    @Test
    void aTopicMayNotNameABucketOutsideTheDeployment() {
        String foreign = EddyStack.uniqueName("foreign");
        ResourceBootstrap.ensureBuckets(s3, List.of(foreign));
        String name = topic + "-foreign";

        Http.Reply created = http.put(
                "/v1/topics/" + name, "{\"partitions\": 1, \"config\": {\"replicas\": [\"" + foreign + "\"]}}");
        Http.Reply altered = http.send(
                "PATCH",
                "/v1/topics/" + topic,
                List.of("Content-Type", "application/json"),
                ("{\"config\": {\"replicas\": [\"" + foreign + "\"]}}").getBytes(StandardCharsets.UTF_8),
                false);

        assertProblem(created, 400, "invalid_config");
        assertThat(created.body().get("key").asText()).isEqualTo("replicas");
        assertProblem(http.get("/v1/topics/" + name), 404, "unknown_topic");
        assertProblem(altered, 400, "invalid_config");
        assertThat(http.get("/v1/topics/" + topic).body().get("config").get("replicas"))
                .extracting(JsonNode::asText)
                .doesNotContain(foreign);
    }

    @Test
    void acksZeroAnswersAcceptedAndTheRecordsArrive() {
        Http.Reply r = http.post(records() + "?acks=0", "{\"records\": [{\"value\": \"fire\", \"partition\": 2}]}");

        assertThat(r.status()).isEqualTo(202);
        JsonNode read = http.get("/v1/topics/" + topic + "/partitions/2/records?offset=0&wait_ms=15000")
                .body();
        assertThat(read.get("records")).extracting(n -> n.get("value").asText()).containsExactly("fire");
        assertProblem(http.post(records() + "?acks=2", "{\"records\": [{\"value\": 1}]}"), 400, "invalid_parameter");
    }

    // ---- group commit --------------------------------------------------------------------------------------

    @Test
    void concurrentRequestsShareSegmentsYetEachGetsItsOwnContiguousOffsets() throws Exception {
        int clients = 12;
        JsonNode before = http.get("/v1/stats").body().get("produce");
        CyclicBarrier start = new CyclicBarrier(clients);
        List<CompletableFuture<Http.Reply>> replies = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            replies.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                return http.post(
                        records(),
                        "{\"records\": ["
                                + String.join(
                                        ",",
                                        IntStream.range(0, 5)
                                                .mapToObj(i -> "{\"value\": \"c" + client + "-" + i
                                                        + "\", \"partition\": " + (i % 3) + "}")
                                                .toList())
                                + "]}");
            }));
        }
        List<Long> all = new ArrayList<>();
        for (CompletableFuture<Http.Reply> f : replies) {
            Http.Reply r = f.get();
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            List<Long> offsets = offsets(r);
            // partition 0 gets records 0 and 3 of each request: contiguous, in request order
            assertThat(offsets.get(3)).isEqualTo(offsets.get(0) + 1);
            assertThat(offsets.get(4)).isEqualTo(offsets.get(1) + 1);
            for (int i = 0; i < 5; i++) {
                all.add((i % 3) * 1_000_000L + offsets.get(i));
            }
        }
        JsonNode after = http.get("/v1/stats").body().get("produce");

        assertThat(all).doesNotHaveDuplicates().hasSize(clients * 5);
        long requests = after.get("requests").asLong() - before.get("requests").asLong();
        long flushes = after.get("flushes").asLong() - before.get("flushes").asLong();
        long segmentPuts =
                after.get("segment_puts").asLong() - before.get("segment_puts").asLong();
        assertThat(requests).isEqualTo(clients);
        assertThat(flushes).as("requests share flushes").isLessThan(clients);
        assertThat(segmentPuts).as("one PUT per flush").isEqualTo(flushes);
        assertThat(latest(0) + latest(1) + latest(2)).isEqualTo(clients * 5);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String records() {
        return "/v1/topics/" + topic + "/records";
    }

    private Http.Reply post(String body, String idempotencyKey) {
        return http.post(
                records(),
                "application/json",
                body.getBytes(StandardCharsets.UTF_8),
                "Idempotency-Key",
                idempotencyKey);
    }

    private Http.Reply produceBatches(List<BatchFrames.Frame> frames) {
        ByteBuffer body = BatchFrames.encode(frames);
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return http.post(records(), BatchFrames.MEDIA_TYPE, bytes);
    }

    /** A Kafka v2 batch as a Kafka producer builds it, with offsets from 0. */
    private static ByteBuffer batch(
            Compression compression, long producerId, short epoch, int sequence, String... values) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(16 * 1024),
                RecordBatch.MAGIC_VALUE_V2,
                compression,
                TimestampType.CREATE_TIME,
                0L,
                RecordBatch.NO_TIMESTAMP,
                producerId,
                epoch,
                sequence);
        for (int i = 0; i < values.length; i++) {
            builder.append(T0 + i, null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return builder.build().buffer();
    }

    private JsonNode registerProducer() {
        Http.Reply r = http.post("/v1/producers", "application/json", new byte[0]);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        assertThat(r.body().get("epoch").asInt()).isZero();
        return r.body();
    }

    private static String idempotent(long producerId, int epoch, int sequence, String... values) {
        return "{\"producer_id\": " + producerId + ", \"producer_epoch\": " + epoch + ", \"base_sequences\": {\"0\": "
                + sequence + "}, \"records\": ["
                + String.join(
                        ",",
                        java.util.Arrays.stream(values)
                                .map(v -> "{\"value\": \"" + v + "\", \"partition\": 0}")
                                .toList())
                + "]}";
    }

    private static List<Long> offsets(Http.Reply r) {
        List<Long> out = new ArrayList<>();
        r.body().get("offsets").forEach(o -> out.add(o.get("offset").asLong()));
        return out;
    }

    private List<String> values(int partition) {
        JsonNode r = http.get("/v1/topics/" + topic + "/partitions/" + partition + "/records?offset=0&max_records=1000")
                .body();
        List<String> out = new ArrayList<>();
        r.get("records").forEach(n -> out.add(n.get("value").asText()));
        return out;
    }

    private long latest(int partition) {
        return http.get("/v1/topics/" + topic + "/partitions/" + partition + "/offsets?at=latest")
                .body()
                .get("offset")
                .asLong();
    }

    private long s3Puts() {
        return http.get("/v1/stats")
                .body()
                .path("s3")
                .path("requests")
                .path("PutObject")
                .asLong(0);
    }

    private void assertNothingStored(long putsBefore) {
        assertThat(s3Puts()).as("no object written").isEqualTo(putsBefore);
        for (int p = 0; p < 3; p++) {
            assertThat(latest(p)).as("partition %d latest offset", p).isZero();
        }
    }
}
