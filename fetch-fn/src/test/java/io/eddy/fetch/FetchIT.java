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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads through HTTP: exact offsets, long-poll, offset lookups, JSON rendering, and the write-through cache. */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class FetchIT {
    @TestHTTPResource("/")
    URL url;

    Http http;
    String topic;

    @BeforeEach
    void topic() {
        http = new Http(URI.create(url.toString()));
        topic = "fetch-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 2}").status())
                .isEqualTo(201);
    }

    @Test
    void fetchStartsExactlyAtTheRequestedOffsetInsideABatch() {
        produce(0, 10, 1_000);
        JsonNode r = http.get(records(0) + "?offset=4&max_records=3").body();
        assertThat(r.get("records")).extracting(n -> n.get("offset").asLong()).containsExactly(4L, 5L, 6L);
        assertThat(r.get("records").get(0).get("value").asText()).isEqualTo("v4");
        assertThat(r.get("next_offset").asLong()).isEqualTo(7);
        assertThat(r.get("high_watermark").asLong()).isEqualTo(10);
        assertThat(r.get("log_start_offset").asLong()).isZero();
    }

    @Test
    void fetchSpansSeveralSegmentsAndStopsAtTheHighWatermark() {
        produce(0, 5, 1_000);
        produce(0, 5, 2_000);
        produce(0, 5, 3_000);
        JsonNode r = http.get(records(0) + "?offset=3&max_records=100").body();
        assertThat(r.get("records")).hasSize(12);
        assertThat(r.get("next_offset").asLong()).isEqualTo(15);
        JsonNode empty = http.get(records(0) + "?offset=15").body();
        assertThat(empty.get("records")).isEmpty();
        assertThat(empty.get("next_offset").asLong()).isEqualTo(15);
    }

    @Test
    void maxBytesLimitsTheResponseButAlwaysReturnsOneRecord() {
        produce(0, 10, 1_000);
        JsonNode one = http.get(records(0) + "?offset=0&max_bytes=1").body();
        assertThat(one.get("records")).hasSize(1);
        JsonNode some = http.get(records(0) + "?offset=0&max_bytes=100").body();
        assertThat(some.get("records").size()).isBetween(1, 9);
    }

    @Test
    void aboveTheHighWatermarkIsOutOfRangeWithBothBounds() {
        produce(1, 3, 1_000);
        Http.Reply r = http.get(records(1) + "?offset=4");
        ProblemAssertions.assertProblem(r, 416, "offset_out_of_range");
        assertThat(r.body().get("high_watermark").asLong()).isEqualTo(3);
        assertThat(r.body().get("log_start_offset").asLong()).isZero();
    }

    @Test
    void longPollReturnsAsSoonAsARecordArrives() throws Exception {
        produce(0, 1, 1_000);
        CompletableFuture<Http.Reply> waiting =
                CompletableFuture.supplyAsync(() -> http.get(records(0) + "?offset=1&wait_ms=15000"));
        // the fetch is parked at the high watermark; a produce must wake it long before 15 s
        produce(0, 1, 2_000);
        Http.Reply r = waiting.get(10, TimeUnit.SECONDS);
        assertThat(r.body().get("records")).hasSize(1);
        assertThat(r.body().get("records").get(0).get("offset").asLong()).isEqualTo(1);
    }

    @Test
    void longPollWithNothingArrivingReturnsEmpty() {
        Http.Reply r = http.get(records(1) + "?offset=0&wait_ms=300");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("records")).isEmpty();
        assertThat(r.body().get("next_offset").asLong()).isZero();
    }

    @Test
    void offsetsAtEarliestLatestAndTimestamp() {
        produce(0, 5, 1_000); // timestamps 1000..1004
        produce(0, 5, 5_000); // timestamps 5000..5004
        assertThat(offset(0, "earliest")).isZero();
        assertThat(offset(0, "latest")).isEqualTo(10);
        assertThat(offset(0, "1003")).isEqualTo(3);
        assertThat(offset(0, "1005")).isEqualTo(5);
        assertThat(offset(0, "5004")).isEqualTo(9);
        assertThat(offset(0, "9999")).as("none later: the high watermark").isEqualTo(10);
        assertThat(offset(1, "0")).as("empty partition").isZero();
    }

    @Test
    void valuesComeBackAsJsonStringOrBase64() {
        String body = "{\"records\": [{\"key\": \"k\", \"value\": {\"total\": 12}, \"partition\": 0},"
                + "{\"value\": [1, 2], \"partition\": 0}, {\"value\": 42, \"partition\": 0},"
                + "{\"value_b64\": \"/w==\", \"partition\": 0}, {\"value\": null, \"partition\": 0,"
                + " \"headers\": [{\"name\": \"h\", \"value\": null}]}]}";
        assertThat(http.post("/v1/topics/" + topic + "/records", body).status()).isEqualTo(200);
        JsonNode recs = http.get(records(0) + "?offset=0").body().get("records");
        assertThat(recs.get(0).get("key").asText()).isEqualTo("k");
        assertThat(recs.get(0).get("value").get("total").asInt()).isEqualTo(12);
        assertThat(recs.get(1).get("value").isArray()).isTrue();
        assertThat(recs.get(2).get("value").asText()).isEqualTo("42");
        assertThat(recs.get(3).get("value_b64").asText()).isEqualTo("/w==");
        assertThat(recs.get(4).get("value").isNull()).isTrue();
        assertThat(recs.get(4).get("key").isNull()).isTrue();
        assertThat(recs.get(4).get("headers").get(0).get("value").isNull()).isTrue();
        JsonNode b64 = http.get(records(0) + "?offset=0&encoding=base64")
                .body()
                .get("records")
                .get(0);
        assertThat(b64.get("key_b64").asText()).isEqualTo("aw==");
    }

    @Test
    void aTailReadRightAfterAProduceMakesNoS3Get() {
        produce(1, 20, 1_000);
        long gets = s3Gets();
        JsonNode r = http.get(records(1) + "?offset=0&max_records=100").body();
        assertThat(r.get("records")).hasSize(20);
        assertThat(s3Gets()).isEqualTo(gets);
    }

    @Test
    void topicDescriptionShowsPartitionOffsets() {
        produce(1, 4, 1_000);
        JsonNode t = http.get("/v1/topics/" + topic).body();
        assertThat(t.get("partitions").asInt()).isEqualTo(2);
        assertThat(t.get("partition_offsets").get(1).get("high_watermark").asLong())
                .isEqualTo(4);
        assertThat(t.get("config").get("cleanup.policy").asText()).isEqualTo("delete");
        assertThat(http.get("/v1/topics").body().get("topics"))
                .extracting(n -> n.get("name").asText())
                .contains(topic);
        assertThat(http.delete("/v1/topics/" + topic).status()).isEqualTo(204);
        assertThat(http.get("/v1/topics/" + topic).status()).isEqualTo(404);
    }

    private String records(int partition) {
        return "/v1/topics/" + topic + "/partitions/" + partition + "/records";
    }

    private long offset(int partition, String at) {
        return http.get("/v1/topics/" + topic + "/partitions/" + partition + "/offsets?at=" + at)
                .body()
                .get("offset")
                .asLong();
    }

    private void produce(int partition, int count, long firstTimestamp) {
        StringBuilder body = new StringBuilder("{\"records\": [");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"value\": \"v")
                    .append(i)
                    .append("\", \"timestamp\": ")
                    .append(firstTimestamp + i)
                    .append('}');
        }
        body.append("]}");
        Http.Reply r = http.post("/v1/topics/" + topic + "/partitions/" + partition + "/records", body.toString());
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
