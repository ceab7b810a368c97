package io.eddy.fetch.lambda;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.format.BatchFrames;
import io.eddy.core.model.Record;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.core.produce.ProduceService;
import io.eddy.core.topic.TopicService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.MemoryRecords;
import org.junit.jupiter.api.Test;

/**
 * The fetch function as Lambda runs it: every request goes through Quarkus' Lambda handler (the mock event server
 * turns HTTP requests into API Gateway v2 / function-URL events, or an event is posted raw). The records are
 * written with the same core services the ingest function uses, since this function does not produce.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class FetchLambdaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TopicService topics;

    @Inject
    ProduceService produce;

    private String topicWithRecords(String prefix, String... values) {
        String topic = prefix + "-" + Long.toHexString(System.nanoTime());
        topics.create(topic, 1, Map.of()).await().atMost(WAIT);
        produce(topic, values);
        return topic;
    }

    private void produce(String topic, String... values) {
        List<ProduceRequest.Entry> entries = java.util.Arrays.stream(values)
                .map(v -> new ProduceRequest.Entry(
                        0, new Record(-1, -1, null, v.getBytes(StandardCharsets.UTF_8), List.of())))
                .toList();
        produce.produce(topic, new ProduceRequest(entries, false)).await().atMost(WAIT);
    }

    @Test
    void readsRecordsAndOffsetsThroughTheHandler() {
        String topic = topicWithRecords("lambda-fetch", "one", "two");

        given().when()
                .get("/v1/topics/" + topic + "/partitions/0/records?offset=0")
                .then()
                .statusCode(200)
                .body("records[0].value", equalTo("one"))
                .body("records[1].value", equalTo("two"))
                .body("next_offset", equalTo(2))
                .body("high_watermark", equalTo(2));
        given().when()
                .get("/v1/topics/" + topic + "/partitions/0/offsets?at=latest")
                .then()
                .statusCode(200)
                .body("offset", equalTo(2));
        given().when()
                .get("/v1/topics/" + topic + "/partitions/0/records?offset=7")
                .then()
                .statusCode(416)
                .body("code", equalTo("offset_out_of_range"));
    }

    @Test
    void aBinaryFetchAnswersTheStoredBatchesThroughTheHandler() {
        String topic = topicWithRecords("lambda-binary", "one", "two");
        produce(topic, "three"); // a second batch: a body of two frames

        byte[] body = given().header("Accept", BatchFrames.MEDIA_TYPE)
                .when()
                .get("/v1/topics/" + topic + "/partitions/0/records?offset=1")
                .then()
                .statusCode(200)
                .contentType(BatchFrames.MEDIA_TYPE)
                .header("Eddy-Next-Offset", "3")
                .extract()
                .asByteArray();

        List<BatchFrames.Frame> frames = BatchFrames.decode(ByteBuffer.wrap(body));
        assertThat(frames).hasSize(2).allSatisfy(f -> assertThat(f.partition()).isZero());
        List<String> values = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (BatchFrames.Frame frame : frames) {
            MemoryRecords.readableRecords(frame.batch()).records().forEach(r -> {
                offsets.add(r.offset());
                values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
            });
        }
        // whole batches, base offsets patched: the first batch from its start, though the fetch asked for offset 1
        assertThat(offsets).containsExactly(0L, 1L, 2L);
        assertThat(values).containsExactly("one", "two", "three");
    }

    @Test
    void aConsumerGroupJoinsAndCommitsThroughTheHandler() {
        String topic = topicWithRecords("lambda-group", "x");
        String group = "g-" + Long.toHexString(System.nanoTime());

        JsonNode joined = JSON.valueToTree(given().contentType(ContentType.JSON)
                .body("{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"], \"auto_offset_reset\": \"earliest\"}")
                .when()
                .put("/v1/groups/" + group + "/members/m1")
                .then()
                .statusCode(200)
                .extract()
                .as(Map.class));
        long epoch = joined.get("member_epoch").asLong();
        assertThat(joined.get("assignment")).hasSize(1);

        given().contentType(ContentType.JSON)
                .body("{\"member_id\": \"m1\", \"member_epoch\": " + epoch + ", \"offsets\": [{\"topic\": \"" + topic
                        + "\", \"partition\": 0, \"offset\": 1}]}")
                .when()
                .post("/v1/groups/" + group + "/offsets")
                .then()
                .statusCode(200);
        given().when()
                .get("/v1/groups/" + group)
                .then()
                .statusCode(200)
                .body("partitions[0].committed_offset", equalTo(1));
    }

    @Test
    void aFunctionUrlEventIsAnsweredWithAnHttpResponseEvent() throws Exception {
        String topic = topicWithRecords("lambda-raw", "raw");
        String path = "/v1/topics/" + topic + "/partitions/0/records";

        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0")
                .put("routeKey", "$default")
                .put("rawPath", path)
                .put("rawQueryString", "offset=0");
        event.putObject("queryStringParameters").put("offset", "0");
        event.putObject("headers").put("host", "example.lambda-url");
        event.putObject("requestContext")
                .put("requestId", "raw-1")
                .put("stage", "$default")
                .putObject("http")
                .put("method", "GET")
                .put("path", path)
                .put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1")
                .put("userAgent", "test");
        event.put("isBase64Encoded", false);
        String reply = given().contentType(ContentType.JSON)
                .body(event.toString())
                .when()
                .post("/_lambda_")
                .then()
                .statusCode(200)
                .extract()
                .asString();

        JsonNode response = JSON.readTree(reply);
        assertThat(response.path("statusCode").asInt()).as(reply).isEqualTo(200);
        String body = response.path("isBase64Encoded").asBoolean()
                ? new String(
                        java.util.Base64.getDecoder()
                                .decode(response.path("body").asText()),
                        StandardCharsets.UTF_8)
                : response.path("body").asText();
        assertThat(JSON.readTree(body).path("records").get(0).path("value").asText())
                .isEqualTo("raw");
    }
}
