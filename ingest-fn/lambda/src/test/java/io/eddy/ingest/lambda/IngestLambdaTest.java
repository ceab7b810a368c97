package io.eddy.ingest.lambda;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.runtime.lambda.snapstart.SnapStartHooks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The ingest function as Lambda runs it: every request goes through Quarkus' Lambda handler, either as an HTTP
 * request the mock event server turns into an API Gateway v2 / function-URL event, or as such an event posted
 * raw, the way a function URL delivers it.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class IngestLambdaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SnapStartHooks hooks;

    @Test
    void createsATopicProducesAndTheCommittedOffsetsShowInTheDescription() {
        String topic = "lambda-ingest-" + Long.toHexString(System.nanoTime());

        given().contentType(ContentType.JSON)
                .body("{\"partitions\": 2}")
                .when()
                .put("/v1/topics/" + topic)
                .then()
                .statusCode(201);
        given().contentType(ContentType.JSON)
                .body("{\"records\": [{\"key\": \"k\", \"value\": {\"n\": 1}, \"partition\": 1},"
                        + " {\"value\": \"two\", \"partition\": 1}]}")
                .when()
                .post("/v1/topics/" + topic + "/records")
                .then()
                .statusCode(200)
                .body("offsets[0].offset", equalTo(0))
                .body("offsets[1].offset", equalTo(1));

        given().when()
                .get("/v1/topics/" + topic)
                .then()
                .statusCode(200)
                .body("partition_offsets[1].high_watermark", equalTo(2))
                .body("partition_offsets[0].high_watermark", equalTo(0));
    }

    @Test
    void aFunctionUrlEventIsAnsweredWithAnHttpResponseEvent() throws Exception {
        String topic = "lambda-raw-" + Long.toHexString(System.nanoTime());
        given().contentType(ContentType.JSON)
                .body("{\"partitions\": 1}")
                .when()
                .put("/v1/topics/" + topic)
                .then()
                .statusCode(201);

        // when: the payload format 2.0 event a function URL (or an HTTP API) sends, body base64-encoded
        String body = "{\"records\": [{\"key\": \"a\", \"value\": \"raw\"}]}";
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0")
                .put("routeKey", "$default")
                .put("rawPath", "/v1/topics/" + topic + "/records")
                .put("rawQueryString", "acks=1");
        event.putObject("headers").put("content-type", "application/json").put("host", "example.lambda-url");
        event.putObject("requestContext")
                .put("requestId", "raw-1")
                .put("stage", "$default")
                .putObject("http")
                .put("method", "POST")
                .put("path", "/v1/topics/" + topic + "/records")
                .put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1")
                .put("userAgent", "test");
        event.put("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)))
                .put("isBase64Encoded", true);
        String reply = given().contentType(ContentType.JSON)
                .body(event.toString())
                .when()
                .post("/_lambda_")
                .then()
                .statusCode(200)
                .extract()
                .asString();

        // then
        JsonNode response = JSON.readTree(reply);
        assertThat(response.path("statusCode").asInt()).as(reply).isEqualTo(200);
        String responseBody = response.path("isBase64Encoded").asBoolean()
                ? new String(Base64.getDecoder().decode(response.path("body").asText()), StandardCharsets.UTF_8)
                : response.path("body").asText();
        assertThat(JSON.readTree(responseBody)
                        .path("offsets")
                        .get(0)
                        .path("offset")
                        .asLong())
                .isZero();
    }

    @Test
    void keepsProducingAfterASnapshotRestoreReseededTheObjectKeys() {
        String topic = "lambda-restore-" + Long.toHexString(System.nanoTime());
        given().contentType(ContentType.JSON)
                .body("{\"partitions\": 1}")
                .when()
                .put("/v1/topics/" + topic)
                .then()
                .statusCode(201);

        hooks.afterRestore(null); // what the Lambda runtime calls after restoring the snapshot

        given().contentType(ContentType.JSON)
                .body("{\"records\": [{\"value\": \"after restore\"}]}")
                .when()
                .post("/v1/topics/" + topic + "/records")
                .then()
                .statusCode(200)
                .body("offsets[0].offset", equalTo(0));
    }
}
