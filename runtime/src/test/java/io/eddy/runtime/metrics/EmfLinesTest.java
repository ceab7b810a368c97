package io.eddy.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmfLinesTest {

    @Test
    void eachCallReportsWhatCountersAndTimersGainedSinceTheLastOneWithTheirLabelsAsDimensions() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EddyMeters meters = new EddyMeters(registry, 10);
        EmfLines emf = new EmfLines(registry, "eddy-ingest");

        meters.produced(Api.HTTP, "orders", 3, 300);
        meters.request(RequestKind.PRODUCE, Api.HTTP, EddyMeters.SUCCESS, 2_000_000);
        List<ObjectNode> first = emf.lines(1_000);
        meters.produced(Api.HTTP, "orders", 2, 200);
        List<ObjectNode> second = emf.lines(2_000);
        List<ObjectNode> third = emf.lines(3_000);

        JsonNode records = line(first, "eddy_records_in_total");
        assertThat(records.get("eddy_records_in_total").asDouble()).isEqualTo(3);
        assertThat(records.get("topic").asText()).isEqualTo("orders");
        assertThat(records.get("function").asText()).isEqualTo("eddy-ingest");
        assertThat(records.at("/_aws/Timestamp").asLong()).isEqualTo(1_000);
        assertThat(records.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Eddy");
        assertThat(records.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString())
                .isEqualTo("[\"function\",\"api\",\"topic\"]");
        JsonNode latency = line(first, "eddy_produce_ack_seconds_count");
        assertThat(latency.get("eddy_produce_ack_seconds_count").asDouble()).isEqualTo(1);
        assertThat(latency.get("eddy_produce_ack_seconds_sum").asDouble()).isEqualTo(2.0);
        assertThat(line(second, "eddy_records_in_total")
                        .get("eddy_records_in_total")
                        .asDouble())
                .isEqualTo(2);
        assertThat(second).noneMatch(l -> l.has("eddy_produce_ack_seconds_count"));
        assertThat(third).noneMatch(l -> l.has("eddy_records_in_total"));
    }

    private static JsonNode line(List<ObjectNode> lines, String metric) {
        return lines.stream()
                .filter(l -> l.has(metric))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + metric + " in " + lines));
    }
}
