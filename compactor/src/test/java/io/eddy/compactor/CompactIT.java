package io.eddy.compactor;

import static io.eddy.testkit.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/admin/compact}: a pass on demand, its plan streamed as JSON lines, reads unchanged after. */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class CompactIT {
    @TestHTTPResource("/")
    URL url;

    Http http;
    String topic;

    @BeforeEach
    void topic() {
        http = new Http(URI.create(url.toString()));
        topic = "compact-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 1, \"config\": {\"retention.ms\": -1}}")
                        .status())
                .isEqualTo(201);
        for (int i = 0; i < 8; i++) { // eight requests, eight small segments (each waits for its answer)
            assertThat(http.post(
                                    "/v1/topics/" + topic + "/records",
                                    "{\"records\": [{\"value\": \"v" + i + "\", \"partition\": 0}]}")
                            .status())
                    .isEqualTo(200);
        }
    }

    private static List<JsonNode> lines(Http.Reply r) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.raw().split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(Http.JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    private List<String> values() {
        List<String> out = new ArrayList<>();
        http.get("/v1/topics/" + topic + "/partitions/0/records?offset=0")
                .body()
                .get("records")
                .forEach(r -> out.add(r.get("value").asText()));
        return out;
    }

    @Test
    void aDryRunPlansAndChangesNothingThenAPassMergesAndReadsStayTheSame() {
        List<String> before = values();
        String compact = "/v1/admin/compact?topic=" + topic;

        Http.Reply dry = http.post(compact + "&dry_run=true", "application/json", new byte[0]);
        assertThat(dry.status()).as(dry.raw()).isEqualTo(200);
        assertThat(dry.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> planned = lines(dry);
        assertThat(planned.get(0).get("type").asText()).isEqualTo("partition");
        assertThat(planned.get(0).get("merges")).hasSize(1);
        assertThat(planned.get(0).get("merges").get(0).get("entries").asInt()).isEqualTo(8);
        JsonNode drySummary = planned.get(planned.size() - 1);
        assertThat(drySummary.get("type").asText()).isEqualTo("summary");
        assertThat(drySummary.get("objects_written").asLong()).isZero();

        Http.Reply run = http.post(compact, "application/json", new byte[0]);
        JsonNode summary = lines(run).get(lines(run).size() - 1);
        assertThat(summary.get("objects_written").asLong()).isEqualTo(1);
        assertThat(summary.get("entries_replaced").asLong()).isEqualTo(8);

        assertThat(values()).isEqualTo(before).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7");
        Http.Reply again = http.post(compact + "&dry_run=true", "application/json", new byte[0]);
        assertThat(lines(again).get(0).get("merges"))
                .as("nothing left to merge")
                .isEmpty();
    }

    @Test
    void badParametersAreProblems() {
        assertProblem(
                http.post("/v1/admin/compact?topic=no-such-" + topic, "application/json", new byte[0]),
                404,
                "unknown_topic");
        assertProblem(
                http.post("/v1/admin/compact?dry_run=maybe", "application/json", new byte[0]),
                400,
                "invalid_parameter");
    }
}
