package io.eddy.ingest.lambda;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code eddy.auth.mode=iam} in the function: the caller is the IAM principal a function URL with {@code AWS_IAM}
 * auth writes into the event ({@code requestContext.authorizer.iam.userArn}), matched against the principals' ARN
 * patterns; the same grants as tokens. The events are posted raw, as a function URL delivers them (the URL's own
 * signature check is AWS's and cannot run here).
 */
@QuarkusTest
@TestProfile(IamAccessLambdaTest.IamAuth.class)
@QuarkusTestResource(StandinsTestResource.class)
class IamAccessLambdaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "arn:aws:iam::123456789012:user/eddy-admin";
    static final String WRITER = "arn:aws:sts::123456789012:assumed-role/eddy-writer/session-7";
    static final String STRANGER = "arn:aws:sts::123456789012:assumed-role/other/session-1";

    public static class IamAuth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "eddy.auth.mode", "iam",
                    "eddy.auth.principals.admin.iam-arn", ADMIN,
                    "eddy.auth.principals.admin.grants", "admin:topic:*,admin:cluster:*",
                    "eddy.auth.principals.writers.iam-arn", "arn:aws:sts::123456789012:assumed-role/eddy-writer/*",
                    "eddy.auth.principals.writers.grants", "produce:topic:iam-*");
        }
    }

    record Reply(int status, JsonNode headers, JsonNode body) {
        String code() {
            return body.path("code").asText();
        }
    }

    private static Reply invoke(String method, String path, String body, String callerArn) throws Exception {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0")
                .put("routeKey", "$default")
                .put("rawPath", path)
                .put("rawQueryString", "");
        event.putObject("headers").put("content-type", "application/json").put("host", "example.lambda-url");
        ObjectNode context = event.putObject("requestContext");
        context.put("requestId", "iam-" + System.nanoTime())
                .put("stage", "$default")
                .putObject("http")
                .put("method", method)
                .put("path", path)
                .put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1")
                .put("userAgent", "test");
        if (callerArn != null) {
            context.putObject("authorizer")
                    .putObject("iam")
                    .put("accessKey", "ASIAEXAMPLE")
                    .put("accountId", "123456789012")
                    .put("callerId", "AROAEXAMPLE:session")
                    .put("userArn", callerArn)
                    .put("userId", "AROAEXAMPLE:session");
        }
        if (body != null) {
            event.put("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)))
                    .put("isBase64Encoded", true);
        }
        String reply = given().contentType(ContentType.JSON)
                .body(event.toString())
                .when()
                .post("/_lambda_")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        JsonNode response = JSON.readTree(reply);
        String text = response.path("isBase64Encoded").asBoolean()
                ? new String(Base64.getDecoder().decode(response.path("body").asText()), StandardCharsets.UTF_8)
                : response.path("body").asText();
        return new Reply(
                response.path("statusCode").asInt(),
                response.path("headers"),
                text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text));
    }

    @Test
    void theCallersIamPrincipalGetsTheGrantsOfThePrincipalsWhoseArnPatternMatches() throws Exception {
        String topic = "iam-" + Long.toHexString(System.nanoTime());
        String records = "{\"records\": [{\"value\": \"v\"}]}";

        // no IAM principal in the event: 401
        Reply none = invoke("PUT", "/v1/topics/" + topic, "{\"partitions\": 1}", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("unauthenticated");
        // a principal Eddy has no grants for: 403
        assertThat(invoke("GET", "/v1/topics/" + topic, null, STRANGER).code()).isEqualTo("forbidden");
        // a writer may not create, the admin may; then the writer produces, and the stranger may not
        Reply refused = invoke("PUT", "/v1/topics/" + topic, "{\"partitions\": 1}", WRITER);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().path("principal").asText()).isEqualTo("writers");
        assertThat(invoke("GET", "/v1/topics/" + topic, null, ADMIN).code())
                .as("not created")
                .isEqualTo("unknown_topic");
        assertThat(invoke("PUT", "/v1/topics/" + topic, "{\"partitions\": 1}", ADMIN)
                        .status())
                .isEqualTo(201);
        assertThat(invoke("POST", "/v1/topics/" + topic + "/records", records, STRANGER)
                        .status())
                .isEqualTo(403);
        Reply produced = invoke("POST", "/v1/topics/" + topic + "/records", records, WRITER);
        assertThat(produced.status()).as(produced.body().toString()).isEqualTo(200);
        assertThat(produced.body().path("offsets").get(0).path("offset").asLong())
                .isZero();
        // the writer's grant is for iam-* only, and statistics are the cluster's
        assertThat(invoke("GET", "/v1/stats", null, WRITER).status()).isEqualTo(403);
        assertThat(invoke("GET", "/v1/stats", null, ADMIN).status()).isEqualTo(200);
    }
}
