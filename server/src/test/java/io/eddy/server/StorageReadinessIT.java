package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.runtime.EddyConfig;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Readiness over HTTP when storage stops answering: with S3 (or DynamoDB) behind a paused relay,
 * {@code /q/health/ready} is 503 {@code DOWN} naming the bucket (or table) while {@code /q/health/live} stays 200,
 * and 200 again once it answers. Its own application: both stand-ins behind {@link PausableRelay}s.
 */
@QuarkusTest
@QuarkusTestResource(value = StorageReadinessIT.StalledStorage.class, restrictToAnnotatedClass = true)
class StorageReadinessIT {
    /** The relays in front of the stand-ins, injected into the test. */
    public record Relays(PausableRelay s3, PausableRelay dynamo) {}

    /** The stand-ins with S3 and DynamoDB each behind a {@link PausableRelay}. */
    public static class StalledStorage implements QuarkusTestResourceLifecycleManager {
        private Relays relays;

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(new StandinsTestResource().start());
            relays = new Relays(
                    new PausableRelay(URI.create(config.get("eddy.aws.s3-endpoint"))),
                    new PausableRelay(URI.create(config.get("eddy.aws.dynamodb-endpoint"))));
            config.put("eddy.aws.s3-endpoint", relays.s3().endpoint().toString());
            config.put("eddy.aws.dynamodb-endpoint", relays.dynamo().endpoint().toString());
            return config;
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(relays, new TestInjector.MatchesType(Relays.class));
        }

        @Override
        public void stop() {
            relays.s3().close();
            relays.dynamo().close();
        }
    }

    @TestHTTPResource("/")
    URL url;

    @Inject
    EddyConfig config;

    Relays relays;

    @AfterEach
    void resume() {
        relays.s3().resume();
        relays.dynamo().resume();
    }

    @Test
    void readinessIs503NamingTheBucketWhileS3DoesNotAnswerAndRecoversWhenItDoes() throws InterruptedException {
        assertDownWhileStalledAndReadyAfter(relays.s3(), "bucket " + config.bucket() + " does not answer");
    }

    @Test
    void readinessIs503NamingTheTableWhileDynamoDbDoesNotAnswerAndRecoversWhenItDoes() throws InterruptedException {
        assertDownWhileStalledAndReadyAfter(relays.dynamo(), "table " + config.table() + " does not answer");
    }

    private void assertDownWhileStalledAndReadyAfter(PausableRelay standIn, String reason) throws InterruptedException {
        Http http = new Http(URI.create(url.toString()));
        awaitReady(http);

        // when: the stand-in takes nothing
        standIn.pause();
        Http.Reply ready = http.get("/q/health/ready");

        // then: not ready, saying which resource; still live
        assertThat(ready.status()).as(ready.raw()).isEqualTo(503);
        assertThat(ready.body().get("status").asText()).isEqualTo("DOWN");
        assertThat(storageCheck(ready).at("/data/reason").asText()).startsWith(reason);
        assertThat(http.get("/q/health/live").status()).isEqualTo(200);

        // when: it answers again
        standIn.resume();

        // then
        awaitReady(http);
    }

    /** Polls readiness until it is 200 UP, failing with the last answer after a deadline. */
    private static void awaitReady(Http http) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        Http.Reply ready = http.get("/q/health/ready");
        while (ready.status() != 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100); // between polls, not as synchronisation
            ready = http.get("/q/health/ready");
        }
        assertThat(ready.status()).as(ready.raw()).isEqualTo(200);
        assertThat(storageCheck(ready).path("status").asText()).isEqualTo("UP");
    }

    private static JsonNode storageCheck(Http.Reply ready) {
        for (JsonNode check : ready.body().path("checks")) {
            if (check.path("name").asText().equals("eddy-storage")) {
                return check;
            }
        }
        throw new AssertionError("no eddy-storage check in " + ready.raw());
    }
}
