package io.eddy.compactor.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.core.compact.Compactor;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchResult;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.core.produce.ProduceService;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.topic.TopicService;
import io.eddy.runtime.lambda.snapstart.SnapStartHooks;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The compactor function as Lambda runs it: events are posted to Quarkus' mock Lambda event server, which hands
 * them to the function's handler through the same runtime loop as on AWS, against the stand-ins. The topics are
 * written with the core services the ingest function uses: each produce request is its own flush, so its own
 * small object and index entry, as on AWS.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CompactorLambdaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** What an EventBridge schedule delivers. */
    private static final String SCHEDULED_EVENT = """
            {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "123456789012", "time": "2026-11-30T03:00:00Z",
             "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/eddy-dev-compactor"],
             "detail": {}}""";

    @Inject
    TopicService topics;

    @Inject
    ProduceService produce;

    @Inject
    FetchService fetch;

    @Inject
    MetadataStore metadata;

    @Inject
    SnapStartHooks hooks;

    /** A one-partition topic with {@code segments} objects of one small record each. */
    private Topic topicWithSegments(String prefix, int segments) {
        String name = prefix + "-" + Long.toHexString(System.nanoTime());
        Topic topic = topics.create(name, 1, Map.of()).await().atMost(WAIT);
        for (int i = 0; i < segments; i++) {
            Record record = new Record(-1, -1, null, ("v" + i).getBytes(StandardCharsets.UTF_8), List.of());
            produce.produce(name, new ProduceRequest(List.of(new ProduceRequest.Entry(0, record)), false))
                    .await()
                    .atMost(WAIT);
        }
        assertThat(entries(topic))
                .hasSize(segments)
                .extracting(IndexEntry::objectKey)
                .doesNotHaveDuplicates();
        return topic;
    }

    private List<IndexEntry> entries(Topic topic) {
        return metadata.entriesFrom(topic.id(), 0, 0, 1_000).await().atMost(WAIT);
    }

    /** Posts an event to the mock event server; its reply is the handler's output, or the error it threw. */
    private static HttpResponse<String> invoke(String event) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + eventServerPort() + "/_lambda_"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The port the mock event server took (configured 0: any free port; the dev service publishes the real one). */
    private static int eventServerPort() {
        return ConfigProvider.getConfig().getValue("quarkus.lambda.mock-event-server.test-port", Integer.class);
    }

    /**
     * The compactor's lease-owner name is random: made during init it would be in the SnapStart snapshot, shared by
     * every restored copy. Started, the application has not made it; the first invocation does.
     */
    @Test
    @Order(1)
    void theCompactorIsMadeOnTheFirstInvocationNotAtInit() throws Exception {
        assertThat(singletons()).noneMatch(Compactor.class::isInstance);

        assertThat(invoke("{\"dry_run\": true, \"gc\": false}").statusCode()).isEqualTo(200);

        assertThat(singletons()).anyMatch(Compactor.class::isInstance);
    }

    private static java.util.Collection<Object> singletons() {
        return Arc.container()
                .getActiveContext(Singleton.class)
                .getState()
                .getContextualInstances()
                .values();
    }

    @Test
    void aScheduledEventRunsAPassThatMergesEightSmallSegmentsIntoOneObject() throws Exception {
        Topic topic = topicWithSegments("compact-lambda", 8);
        hooks.afterRestore(null); // what the Lambda runtime calls after restoring the snapshot: keys still unique

        HttpResponse<String> reply = invoke(SCHEDULED_EVENT);

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        JsonNode summary = JSON.readTree(reply.body());
        assertThat(summary.path("dry_run").asBoolean(true)).as(reply.body()).isFalse();
        assertThat(summary.path("partitions").asLong()).as(reply.body()).isGreaterThanOrEqualTo(1);
        assertThat(summary.path("objects_written").asLong()).as(reply.body()).isGreaterThanOrEqualTo(1);
        assertThat(summary.path("entries_replaced").asLong()).as(reply.body()).isEqualTo(8);
        assertThat(summary.path("leases_lost").asLong()).as(reply.body()).isZero();
        assertThat(summary.path("partitions_deferred").asLong())
                .as(reply.body())
                .isZero();

        List<IndexEntry> after = entries(topic);
        assertThat(after)
                .extracting(IndexEntry::objectKey)
                .as(after.toString())
                .containsOnly(after.get(0).objectKey());
        assertThat(after.get(0).baseOffset()).isZero();
        assertThat(after.get(after.size() - 1).lastOffset()).isEqualTo(7);
        FetchResult read = fetch.fetch(new FetchRequest(topic.name().value(), 0, 0, 100, 1 << 20, Duration.ZERO))
                .await()
                .atMost(WAIT);
        assertThat(read.records())
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7");
    }

    @Test
    void aManualDryRunOfOneTopicPlansTheMergeAndChangesNothing() throws Exception {
        Topic topic = topicWithSegments("compact-dry", 8);
        try {
            HttpResponse<String> reply =
                    invoke("{\"dry_run\": true, \"topic\": \"" + topic.name().value() + "\"}");

            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            JsonNode summary = JSON.readTree(reply.body());
            assertThat(summary.path("dry_run").asBoolean()).as(reply.body()).isTrue();
            assertThat(summary.path("topic").asText()).isEqualTo(topic.name().value());
            assertThat(summary.path("partitions").asLong()).as(reply.body()).isEqualTo(1);
            assertThat(summary.path("objects_written").asLong())
                    .as(reply.body())
                    .isZero();
            assertThat(summary.path("entries_replaced").asLong())
                    .as(reply.body())
                    .isZero();
            assertThat(entries(topic)).hasSize(8);
        } finally {
            topics.delete(topic.name().value()).await().atMost(WAIT); // out of the other test's full pass
        }
    }

    @Test
    void aMisspeltOptionIsRefusedAndRunsNoPass() throws Exception {
        HttpResponse<String> reply = invoke("{\"dryrun\": true}");

        assertThat(reply.statusCode()).as(reply.body()).isNotEqualTo(200);
        assertThat(reply.body()).contains("unknown option 'dryrun'");
    }
}
