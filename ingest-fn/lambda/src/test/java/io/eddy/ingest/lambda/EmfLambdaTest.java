package io.eddy.ingest.lambda;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ingest function as Lambda runs it writes its meters as CloudWatch embedded metric format lines: parsed
 * back from what an invocation printed, they carry the EMF directive and the records it took in.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class EmfLambdaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aProduceInvocationWritesItsRecordsAndStorageCallsAsEmfLines() throws Exception {
        String topic = "lambda-emf-" + Long.toHexString(System.nanoTime());
        given().contentType(ContentType.JSON)
                .body("{\"partitions\": 1}")
                .when()
                .put("/v1/topics/" + topic)
                .then()
                .statusCode(201);

        // when: an invocation produces 3 records, with standard output captured
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            given().contentType(ContentType.JSON)
                    .body("{\"records\": [{\"value\": 1}, {\"value\": 2}, {\"value\": 3}]}")
                    .when()
                    .post("/v1/topics/" + topic + "/records")
                    .then()
                    .statusCode(200);
        } finally {
            System.setOut(original);
        }

        // then
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"")) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).isNotEmpty();
        JsonNode records = lines.stream()
                .filter(l -> topic.equals(l.path("topic").asText()) && l.has("eddy_records_in_total"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no EMF line with the topic's records in: " + lines));
        assertThat(records.get("eddy_records_in_total").asDouble()).isEqualTo(3);
        assertThat(records.path("function").asText()).isEqualTo("eddy-ingest");
        JsonNode directive = records.at("/_aws/CloudWatchMetrics/0");
        assertThat(directive.path("Namespace").asText()).isEqualTo("Eddy");
        assertThat(directive.at("/Dimensions/0").toString()).contains("\"function\"", "\"api\"", "\"topic\"");
        assertThat(directive.path("Metrics").toString()).contains("\"Name\":\"eddy_records_in_total\"");
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("operation").asText()).isEqualTo("PutObject");
            assertThat(l.path("eddy_s3_requests_total").asDouble()).isEqualTo(1);
        });
        assertThat(records.at("/_aws/Timestamp").asLong()).isPositive();
    }
}
