package io.eddy.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.testkit.Http;
import io.eddy.testkit.ProblemAssertions;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads that scale, through HTTP: binary fetch, multi-partition fetch, streaming, and tailing without GETs. */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class ReadsIT {
    private static final String BATCHES = "application/vnd.eddy.batches";

    @TestHTTPResource("/")
    URL url;

    Http http;
    HttpClient client;
    String topic;

    @BeforeEach
    void topic() {
        http = new Http(URI.create(url.toString()));
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        topic = "reads-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 6}").status())
                .isEqualTo(201);
    }

    @Test
    void binaryFetchReturnsTheStoredBatchesWithTheirRealOffsets() throws Exception {
        produce(0, 5, "a");
        produce(0, 5, "b");
        produce(0, 5, "c");

        HttpResponse<byte[]> r = client.send(
                HttpRequest.newBuilder(URI.create(url + records(0).substring(1) + "?offset=7"))
                        .header("Accept", BATCHES)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(BATCHES);
        assertThat(r.headers().firstValue("Eddy-High-Watermark")).hasValue("15");
        assertThat(r.headers().firstValue("Eddy-Next-Offset")).hasValue("15");
        assertThat(r.headers().firstValue("Eddy-Log-Start-Offset")).hasValue("0");
        List<Long> offsets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        ByteBuffer body = ByteBuffer.wrap(r.body());
        while (body.hasRemaining()) {
            assertThat(body.getInt()).as("partition").isZero();
            byte[] batch = new byte[body.getInt()];
            body.get(batch);
            for (RecordBatch b :
                    MemoryRecords.readableRecords(ByteBuffer.wrap(batch)).batches()) {
                b.ensureValid();
                for (Record rec : b) {
                    offsets.add(rec.offset());
                    values.add(StandardCharsets.UTF_8.decode(rec.value()).toString());
                }
            }
        }
        // the batch holding offset 7 starts at 5: it comes whole, and the client skips 5 and 6
        assertThat(offsets).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
        assertThat(values).containsExactly("b0", "b1", "b2", "b3", "b4", "c0", "c1", "c2", "c3", "c4");
    }

    @Test
    void multiPartitionFetchAnswersEveryPartitionInOneResponse() {
        produce(1, 3, "x");
        produce(4, 2, "y");

        Http.Reply r = http.post(
                "/v1/fetch",
                "{\"partitions\": ["
                        + "{\"topic\": \"" + topic + "\", \"partition\": 1, \"offset\": 1},"
                        + "{\"topic\": \"" + topic + "\", \"partition\": 4, \"offset\": 0, \"max_bytes\": 1000},"
                        + "{\"topic\": \"" + topic + "\", \"partition\": 2, \"offset\": 0},"
                        + "{\"topic\": \"" + topic + "\", \"partition\": 3, \"offset\": 9},"
                        + "{\"topic\": \"no-such-topic-" + topic + "\", \"partition\": 0, \"offset\": 0}]}");

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode responses = r.body().get("responses");
        assertThat(responses).hasSize(5);
        assertThat(responses.get(0).get("records"))
                .extracting(n -> n.get("value").asText())
                .containsExactly("x1", "x2");
        assertThat(responses.get(0).get("next_offset").asLong()).isEqualTo(3);
        assertThat(responses.get(0).get("high_watermark").asLong()).isEqualTo(3);
        assertThat(responses.get(1).get("records"))
                .extracting(n -> n.get("offset").asLong())
                .containsExactly(0L, 1L);
        assertThat(responses.get(2).get("records")).isEmpty();
        assertThat(responses.get(3).get("error").get("code").asText()).isEqualTo("offset_out_of_range");
        assertThat(responses.get(3).get("error").get("high_watermark").asLong()).isZero();
        assertThat(responses.get(4).get("error").get("code").asText()).isEqualTo("unknown_topic");
    }

    @Test
    void multiPartitionFetchWaitsUntilMinBytesArrive() throws Exception {
        String body = "{\"wait_ms\": 15000, \"min_bytes\": 1, \"partitions\": ["
                + "{\"topic\": \"" + topic + "\", \"partition\": 0, \"offset\": 0},"
                + "{\"topic\": \"" + topic + "\", \"partition\": 5, \"offset\": 0}]}";
        CompletableFuture<Http.Reply> waiting = CompletableFuture.supplyAsync(() -> http.post("/v1/fetch", body));

        produce(5, 1, "late"); // wakes the parked fetch long before 15 s

        Http.Reply r = waiting.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("responses").get(1).get("records"))
                .extracting(n -> n.get("value").asText())
                .containsExactly("late0");
    }

    @Test
    void multiPartitionFetchKeepsTheWholeAnswerWithinTheBodysMaxBytes() {
        produce(1, 3, "x".repeat(1000)); // records of 1,025 bytes as max_bytes counts them
        produce(2, 3, "y".repeat(1000));

        Http.Reply r = http.post(
                "/v1/fetch",
                "{\"max_bytes\": 2500, \"partitions\": ["
                        + "{\"topic\": \"" + topic + "\", \"partition\": 1, \"offset\": 0},"
                        + "{\"topic\": \"" + topic + "\", \"partition\": 2, \"offset\": 0}]}");

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode responses = r.body().get("responses");
        assertThat(responses.get(0).get("records")).hasSize(2);
        assertThat(responses.get(0).get("next_offset").asLong()).isEqualTo(2);
        assertThat(responses.get(1).get("records"))
                .as("nothing of it fits what is left")
                .isEmpty();
        assertThat(responses.get(1).get("next_offset").asLong()).isZero();
        assertThat(responses.get(1).get("high_watermark").asLong()).isEqualTo(3);
    }

    @Test
    void badMultiPartitionFetchesAre400sNamingTheMistake() {
        String t = "\"topic\": \"" + topic + "\"";
        assertProblem(http.post("/v1/fetch", "{\"partitions\": []}"), "invalid_request");
        assertProblem(http.post("/v1/fetch", "{\"partitions\": [{" + t + "}]}"), "invalid_request");
        assertProblem(
                http.post("/v1/fetch", "{\"partitions\": [{" + t + ", \"partition\": 0, \"ofset\": 1}]}"),
                "invalid_request");
        assertProblem(
                http.post(
                        "/v1/fetch",
                        "{\"partitions\": [{" + t + ", \"partition\": 0}," + "{" + t + ", \"partition\": 0}]}"),
                "invalid_request");
        assertProblem(
                http.post("/v1/fetch", "{\"wait_ms\": 999999, \"partitions\": [{" + t + ", \"partition\": 0}]}"),
                "invalid_request");
        assertProblem(http.post("/v1/fetch", "{\"partitions\": [{" + t + ", \"partition\": -1}]}"), "invalid_request");
        assertProblem(
                http.post("/v1/fetch", "{\"partitions\": [{" + t + ", \"partition\": 0, \"max_bytes\": 0}]}"),
                "invalid_request");
        assertProblem(
                http.post("/v1/fetch", "{\"max_bytes\": 52428801, \"partitions\": [{" + t + ", \"partition\": 0}]}"),
                "invalid_request");
        assertProblem(
                http.post("/v1/fetch", "{\"max_bytes\": 0, \"partitions\": [{" + t + ", \"partition\": 0}]}"),
                "invalid_request");
        assertProblem(http.post("/v1/fetch", "[1, 2"), "malformed_json");
    }

    private static void assertProblem(Http.Reply r, String code) {
        ProblemAssertions.assertProblem(r, 400, code);
    }

    @Test
    void aStreamSendsRecordsAsCommittedWithTheNextOffsetAsEventIdAndHeartbeats() throws Exception {
        produce(2, 2, "s");
        HttpResponse<Stream<String>> r = client.send(
                HttpRequest.newBuilder(URI.create(url + records(2).substring(1) + "?offset=0"))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (Stream<String> lines = r.body()) {
            Iterator<String> it = lines.iterator();
            List<String> events = new ArrayList<>();
            events.addAll(nextEvent(it));
            events.addAll(nextEvent(it));
            produce(2, 1, "t"); // committed while the stream is open
            List<String> heartbeatOrRecord = new ArrayList<>();
            while (heartbeatOrRecord.stream().noneMatch(l -> l.startsWith("id:"))) {
                heartbeatOrRecord = nextEvent(it);
                events.addAll(heartbeatOrRecord);
            }
            assertThat(events).filteredOn(l -> l.startsWith("id:")).containsExactly("id:1", "id:2", "id:3");
            assertThat(events)
                    .filteredOn(l -> l.startsWith("data:"))
                    .extracting(
                            l -> Http.JSON.readTree(l.substring(5)).get("value").asText())
                    .containsExactly("s0", "s1", "t0");
            // nothing more is committed: the stream stays open with heartbeat comments
            assertThat(nextEvent(it)).anyMatch(l -> l.startsWith(":"));
        }
    }

    @Test
    void lastEventIdResumesTheStreamFromThatOffset() throws Exception {
        produce(3, 4, "r");
        HttpResponse<Stream<String>> r = client.send(
                HttpRequest.newBuilder(URI.create(url + records(3).substring(1) + "?offset=0"))
                        .header("Accept", "text/event-stream")
                        .header("Last-Event-ID", "2")
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = r.body()) {
            Iterator<String> it = lines.iterator();
            List<String> first = nextEvent(it);
            assertThat(first).contains("id:3");
            assertThat(first)
                    .filteredOn(l -> l.startsWith("data:"))
                    .singleElement()
                    .asString()
                    .contains("\"offset\":2");
        }
    }

    @Test
    void aStreamOfAnUnknownTopicIsAProblemNotAStream() {
        Http.Reply r = http.get("/v1/topics/nope-" + topic + "/partitions/0/records", "Accept", "text/event-stream");
        ProblemAssertions.assertProblem(r, 404, "unknown_topic");
    }

    @Test
    void fiveConsumerGroupsTailingASixPartitionTopicWhileAProducerWritesMakeNoS3Gets() throws Exception {
        int groups = 5;
        int partitions = 6;
        int rounds = 20;
        long getsBefore = s3Gets();
        // every group polls all 6 partitions in one request, long-polling at the tail
        List<CompletableFuture<long[]>> consumers = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            consumers.add(CompletableFuture.supplyAsync(() -> consume(partitions, rounds)));
        }
        for (int round = 0; round < rounds; round++) {
            StringBuilder body = new StringBuilder("{\"records\": [");
            for (int p = 0; p < partitions; p++) {
                body.append(p == 0 ? "" : ",")
                        .append("{\"value\": \"r")
                        .append(round)
                        .append("\", \"partition\": ")
                        .append(p)
                        .append('}');
            }
            assertThat(http.post(
                                    "/v1/topics/" + topic + "/records",
                                    body.append("]}").toString())
                            .status())
                    .isEqualTo(200);
        }
        for (CompletableFuture<long[]> c : consumers) {
            assertThat(c.get(60, TimeUnit.SECONDS)).containsOnly(rounds);
        }
        long gets = s3Gets() - getsBefore;
        System.out.printf("5 groups x 6 partitions tailing %d rounds: %d S3 GETs%n", rounds, gets);
        assertThat(gets).isZero();
    }

    /** One consumer group: polls until it has read {@code rounds} records of every partition, checking order. */
    private long[] consume(int partitions, int rounds) {
        long[] next = new long[partitions];
        while (java.util.Arrays.stream(next).anyMatch(n -> n < rounds)) {
            StringBuilder body = new StringBuilder("{\"wait_ms\": 5000, \"partitions\": [");
            for (int p = 0; p < partitions; p++) {
                body.append(p == 0 ? "" : ",")
                        .append("{\"topic\": \"")
                        .append(topic)
                        .append("\", \"partition\": ")
                        .append(p)
                        .append(", \"offset\": ")
                        .append(next[p])
                        .append('}');
            }
            Http.Reply r = http.post("/v1/fetch", body.append("]}").toString());
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            for (JsonNode resp : r.body().get("responses")) {
                int p = resp.get("partition").asInt();
                for (JsonNode rec : resp.get("records")) {
                    assertThat(rec.get("offset").asLong()).isEqualTo(next[p]);
                    assertThat(rec.get("value").asText()).isEqualTo("r" + next[p]);
                    next[p]++;
                }
            }
        }
        return next;
    }

    /** The lines of the next event (or comment), up to the blank line ending it. */
    private static List<String> nextEvent(Iterator<String> lines) {
        List<String> event = new ArrayList<>();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (!event.isEmpty()) {
                    return event;
                }
                continue;
            }
            event.add(line);
        }
        throw new AssertionError("the stream ended");
    }

    private String records(int partition) {
        return "/v1/topics/" + topic + "/partitions/" + partition + "/records";
    }

    private void produce(int partition, int count, String prefix) {
        StringBuilder body = new StringBuilder("{\"records\": [");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"value\": \"")
                    .append(prefix)
                    .append(i)
                    .append("\"}");
        }
        Http.Reply r = http.post(records(partition), body.append("]}").toString());
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }

    private long s3Gets() {
        return http.get("/v1/stats")
                .body()
                .path("s3")
                .path("requests")
                .path("GetObject")
                .asLong(0);
    }
}
