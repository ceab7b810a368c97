package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.runtime.EddyConfig;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Liveness and readiness of a running server, and readiness' reason when the storage it needs is missing. */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class HealthIT {
    @TestHTTPResource("/")
    URL url;

    @Inject
    DynamoDbAsyncClient dynamo;

    @Inject
    S3AsyncClient s3;

    @Inject
    EddyConfig config;

    @Test
    void aServerWhoseTableAndBucketAnswerIsLiveAndReady() {
        Http http = new Http(URI.create(url.toString()));

        Http.Reply live = http.get("/q/health/live");
        Http.Reply ready = http.get("/q/health/ready");

        assertThat(live.status()).isEqualTo(200);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().get("status").asText()).isEqualTo("UP");
        JsonNode storage = null;
        for (JsonNode check : ready.body().path("checks")) {
            if (check.path("name").asText().equals("eddy-storage")) {
                storage = check;
            }
        }
        assertThat(storage).as("the eddy-storage check in %s", ready.raw()).isNotNull();
        assertThat(storage.path("status").asText()).isEqualTo("UP");
        assertThat(storage.at("/data/bucket").asText()).isEqualTo(config.bucket());
    }

    @Test
    void aMissingBucketMakesReadinessDownWithTheReason() {
        String missing = config.bucket() + "-missing";

        HealthCheckResponse response = new StorageReadiness(dynamo, s3, config.table(), missing)
                .call()
                .await()
                .atMost(Duration.ofSeconds(30));

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow().get("reason").toString())
                .startsWith("bucket " + missing + " does not answer");
    }

    @Test
    void aMissingTableMakesReadinessDownWithTheReason() {
        String missing = config.table() + "-missing";

        HealthCheckResponse response = new StorageReadiness(dynamo, s3, missing, config.bucket())
                .call()
                .await()
                .atMost(Duration.ofSeconds(30));

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow().get("reason").toString())
                .startsWith("table " + missing + " does not answer")
                .contains("ResourceNotFoundException");
    }
}
