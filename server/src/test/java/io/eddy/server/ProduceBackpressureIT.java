package io.eddy.server;

import static io.eddy.testkit.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Backpressure over HTTP: with S3 stalled, a lane of group commit fills and the next produce, acks=0 included,
 * is 429 {@code throttled} at once; what was accepted is committed once S3 moves again. Its own application:
 * S3 behind a relay that can be paused, and a 64 KiB lane. Here rather than beside ingest-fn because what was
 * accepted is read back through fetch-fn.
 */
@QuarkusTest
@QuarkusTestResource(value = ProduceBackpressureIT.StalledS3.class, restrictToAnnotatedClass = true)
class ProduceBackpressureIT {
    static final long LANE_BYTES = 64 << 10;

    /** The stand-ins with S3 behind a {@link PausableRelay}, injected into the test. */
    public static class StalledS3 implements QuarkusTestResourceLifecycleManager {
        private PausableRelay relay;

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(new StandinsTestResource().start());
            relay = new PausableRelay(URI.create(config.get("eddy.aws.s3-endpoint")));
            config.put("eddy.aws.s3-endpoint", relay.endpoint().toString());
            config.put("eddy.produce.lane-max-bytes", Long.toString(LANE_BYTES));
            return config;
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(relay, new TestInjector.MatchesType(PausableRelay.class));
        }

        @Override
        public void stop() {
            relay.close();
        }
    }

    @TestHTTPResource("/")
    URL url;

    PausableRelay relay;

    @Test
    void aFullLaneAnswers429WithRetryAfterEvenForAcksZeroAndCommitsWhatItTookOnceS3Moves() {
        Http http = new Http(URI.create(url.toString()));
        String topic = "backpressure-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 1}").status())
                .isEqualTo(201);
        String records = "/v1/topics/" + topic + "/partitions/0/records";

        // given: S3 takes nothing, and acks=0 requests of ~30 KB keep coming
        relay.pause();
        List<String> accepted = new ArrayList<>();
        Http.Reply refused = null;
        for (int i = 0; i < 10 && refused == null; i++) {
            String value = i + "-" + "x".repeat(30_000);
            Http.Reply r = http.post(records + "?acks=0", "{\"records\": [{\"value\": \"" + value + "\"}]}");
            if (r.status() == 202) {
                accepted.add(value);
            } else {
                refused = r;
            }
        }

        // then: 202 while the lane has room, then 429 throttled with Retry-After, never a 202 past the bound
        assertThat(refused).as("a full lane refuses").isNotNull();
        assertProblem(refused, 429, "throttled");
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(refused.body().get("retryable").asBoolean()).isTrue();
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(1);
        assertThat(30_000L * accepted.size()).isLessThanOrEqualTo(LANE_BYTES);

        // when: S3 moves again
        relay.resume();

        // then: an acked produce after it lands behind everything accepted, which is all there
        Http.Reply after = http.post(records + "?acks=1", "{\"records\": [{\"value\": \"after\"}]}");
        assertThat(after.status()).as(after.raw()).isEqualTo(200);
        assertThat(after.body().get("offsets").get(0).get("offset").asLong()).isEqualTo(accepted.size());
        JsonNode read = http.get(records + "?offset=0").body();
        List<String> expected = new ArrayList<>(accepted);
        expected.add("after");
        assertThat(read.get("records")).extracting(n -> n.get("value").asText()).containsExactlyElementsOf(expected);
    }
}
