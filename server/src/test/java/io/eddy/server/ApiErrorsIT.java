package io.eddy.server;

import static io.eddy.testkit.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad input gets its status and stable code as problem+json, and stores nothing: the topic's offsets do
 * not move and no object is written.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class ApiErrorsIT {
    @TestHTTPResource("/")
    URL url;

    Http http;
    String topic;

    @BeforeEach
    void topic() {
        http = new Http(URI.create(url.toString()));
        topic = "errors-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 3, \"config\": {\"max.message.bytes\": 2000}}")
                        .status())
                .isEqualTo(201);
    }

    @ParameterizedTest(name = "PUT /v1/topics/{0} {1} -> {2} {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "bad name!          | {\"partitions\": 1}                                  | 400 | invalid_topic_name",
                "star*name          | {\"partitions\": 1}                                  | 400 | invalid_topic_name",
                "ok-name            | {\"partitions\": 0}                                  | 400 | invalid_partitions",
                "ok-name            | {\"partitions\": 10001}                              | 400 | invalid_partitions",
                "ok-name            | {\"partitions\": \"six\"}                            | 400 | invalid_partitions",
                "ok-name            | {}                                                   | 400 | invalid_partitions",
                "ok-name            | {\"partitions\": 1, \"config\": {\"retention.ms\": -5}} | 400 | invalid_config",
                "ok-name            | {\"partitions\": 1, \"config\": {\"cleanup.policy\": \"shred\"}} | 400 | invalid_config",
                "ok-name            | {\"partitions\": 1, \"config\": {\"no.such.key\": 1}}  | 400 | invalid_config",
                "ok-name            | {\"partitions\": 1, \"config\": {\"replicas\": \"b\"}} | 400 | invalid_config",
                "ok-name            | {\"partitions\": 1,                                  | 400 | malformed_json",
                "ok-name            | [1, 2]                                               | 400 | invalid_request",
            })
    void badTopicCreatesAreRejected(String name, String body, int status, String code) {
        Http.Reply r = http.put("/v1/topics/" + name.replace(" ", "%20").replace("!", "%21"), body);
        assertProblem(r, status, code);
        assertThat(http.get("/v1/topics/ok-name").status()).isEqualTo(404);
    }

    @Test
    void duplicateCreateIsAConflict() {
        assertProblem(http.put("/v1/topics/" + topic, "{\"partitions\": 3}"), 409, "topic_already_exists");
    }

    @Test
    void unknownTopicIsNotFoundEverywhere() {
        assertProblem(http.get("/v1/topics/nope-" + topic), 404, "unknown_topic");
        assertProblem(http.delete("/v1/topics/nope-" + topic), 404, "unknown_topic");
        assertProblem(
                http.post("/v1/topics/nope-" + topic + "/records", "{\"records\": [{\"value\": 1}]}"),
                404,
                "unknown_topic");
        assertProblem(http.get("/v1/topics/nope-" + topic + "/partitions/0/records?offset=0"), 404, "unknown_topic");
        assertProblem(http.get("/v1/topics/nope-" + topic + "/partitions/0/offsets?at=latest"), 404, "unknown_topic");
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"records\": [{\"value\": \"x\"}]                   | 400 | malformed_json",
                "not json at all                                      | 400 | malformed_json",
                "{\"records\": []}                                    | 400 | no_records",
                "{\"records\": {}}                                    | 400 | invalid_request",
                "{\"recs\": []}                                       | 400 | invalid_request",
                "{\"records\": [{\"value\": \"x\", \"partition\": \"1\"}]} | 400 | invalid_request",
                "{\"records\": [{\"value\": \"x\", \"partition\": -1}]}  | 400 | invalid_request",
                "{\"records\": [{\"value\": \"x\", \"partition\": 1.5}]} | 400 | invalid_request",
                "{\"records\": [{\"value\": \"x\", \"partition\": 3}]}   | 404 | unknown_partition",
                "{\"records\": [{\"value\": \"x\", \"timestamp\": -2}]}  | 400 | invalid_request",
                "{\"records\": [{\"value\": \"x\", \"timestamp\": 99999999999999999999}]} | 400 | invalid_request",
                "{\"records\": [{\"value_b64\": \"***\"}]}             | 400 | invalid_base64",
                "{\"records\": [{\"key_b64\": 12}]}                    | 400 | invalid_base64",
                "{\"records\": [{\"value\": 1, \"value_b64\": \"AA==\"}]} | 400 | invalid_request",
                "{\"records\": [{\"vlaue\": 1}]}                       | 400 | invalid_request",
                "{\"records\": [{\"value\": 1, \"headers\": [{\"value\": \"no name\"}]}]} | 400 | invalid_request",
                "{\"records\": [{\"value\": 1, \"headers\": {\"a\": 1}}]} | 400 | invalid_request",
                "{\"records\": [17]}                                   | 400 | invalid_request",
            })
    void badProducesAreRejectedAndStoreNothing(String body, int status, String code) {
        long puts = s3Puts();
        assertProblem(http.post("/v1/topics/" + topic + "/records", body), status, code);
        assertNothingStored(puts);
    }

    @Test
    void aValidRecordAfterABadOneStillFailsTheWholeRequest() {
        long puts = s3Puts();
        String body = "{\"records\": [{\"value\": \"fine\"}, {\"value\": \"x\", \"partition\": 9}]}";
        assertProblem(http.post("/v1/topics/" + topic + "/records", body), 404, "unknown_partition");
        assertNothingStored(puts);
    }

    @Test
    void recordOverMaxMessageBytesIsTooLarge() {
        long puts = s3Puts();
        String big = "x".repeat(3000);
        Http.Reply r = http.post("/v1/topics/" + topic + "/records", "{\"records\": [{\"value\": \"" + big + "\"}]}");
        assertProblem(r, 413, "record_too_large");
        assertThat(r.body().get("max_message_bytes").asInt()).isEqualTo(2000);
        assertNothingStored(puts);
    }

    @Test
    void bodyOverTheRequestLimitIsTooLarge() {
        long puts = s3Puts();
        byte[] body = ("{\"records\": [{\"value\": \"" + "y".repeat(9 * 1024 * 1024) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertProblem(
                http.post("/v1/topics/" + topic + "/records", "application/json", body), 413, "request_too_large");
        assertNothingStored(puts);
    }

    @Test
    void partitionOutOfRangeInThePathIsNotFound() {
        long puts = s3Puts();
        assertProblem(
                http.post("/v1/topics/" + topic + "/partitions/3/records", "{\"records\": [{\"value\": 1}]}"),
                404,
                "unknown_partition");
        assertProblem(
                http.post("/v1/topics/" + topic + "/partitions/x/records", "{\"records\": [{\"value\": 1}]}"),
                400,
                "invalid_parameter");
        assertProblem(
                http.post(
                        "/v1/topics/" + topic + "/partitions/1/records",
                        "{\"records\": [{\"value\": 1, \"partition\": 2}]}"),
                400,
                "invalid_request");
        assertNothingStored(puts);
    }

    @Test
    void badFetchParametersAreRejected() {
        String base = "/v1/topics/" + topic + "/partitions/0/";
        assertProblem(http.get(base + "records?offset=abc"), 400, "invalid_parameter");
        assertProblem(http.get(base + "records?offset=-1"), 400, "invalid_parameter");
        assertProblem(http.get(base + "records?offset=0&max_records=0"), 400, "invalid_parameter");
        assertProblem(http.get(base + "records?offset=0&wait_ms=20001"), 400, "invalid_parameter");
        assertProblem(http.get(base + "records?offset=0&encoding=hex"), 400, "invalid_parameter");
        assertProblem(http.get(base + "offsets?at=yesterday"), 400, "invalid_parameter");
        assertProblem(http.get("/v1/topics/" + topic + "/partitions/7/records?offset=0"), 404, "unknown_partition");
        Http.Reply r = http.get(base + "records?offset=5");
        assertProblem(r, 416, "offset_out_of_range");
        assertThat(r.body().get("high_watermark").asLong()).isZero();
        assertThat(r.body().get("log_start_offset").asLong()).isZero();
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        assertProblem(http.get("/v1/nothing-here"), 404, "not_found");
        assertProblem(http.post("/v1/topics/" + topic, "{}"), 405, "method_not_allowed");
        assertProblem(
                http.post("/v1/topics/" + topic + "/records", "text/plain", "hi".getBytes(StandardCharsets.UTF_8)),
                415,
                "unsupported_media_type");
    }

    private void assertNothingStored(long putsBefore) {
        assertThat(s3Puts()).as("no object written").isEqualTo(putsBefore);
        for (int p = 0; p < 3; p++) {
            assertThat(http.get("/v1/topics/" + topic + "/partitions/" + p + "/offsets?at=latest")
                            .body()
                            .get("offset")
                            .asLong())
                    .as("partition %d latest offset", p)
                    .isZero();
        }
    }

    private long s3Puts() {
        return http.get("/v1/stats")
                .body()
                .path("s3")
                .path("requests")
                .path("PutObject")
                .asLong(0);
    }
}
