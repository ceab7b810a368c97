package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.server.console.HealthSampler;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server with Quarkus' management interface on: {@code /q/metrics} is served on a port and router of its own,
 * not the application's. A scrape there is demand like any other, so the group gauges are sampled; the server's own
 * reads of its registry (requests, {@code /v1/stats}, the console's health sampler) are none.
 */
@QuarkusTest
@TestProfile(MetricsManagementIT.ManagementInterface.class)
@QuarkusTestResource(StandinsTestResource.class)
class MetricsManagementIT {

    public static class ManagementInterface implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.management.enabled", "true",
                    "quarkus.management.host", "127.0.0.1",
                    "quarkus.management.test-port", "0");
        }
    }

    @TestHTTPResource("/")
    URL url;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Inject
    GroupMeters groupMeters;

    @Inject
    HealthSampler health;

    @Test
    void aScrapeOfTheManagementInterfaceGetsTheGroupGaugesSampled() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        Http metrics = new Http(URI.create(management.toString()));
        // given: a group that has committed offset 1 of a partition holding 3 records
        String topic = GroupFixtures.topicOfThreeRecords(http, "management-");
        String group = "management-group-" + Long.toHexString(System.nanoTime());
        GroupFixtures.joinAndCommitOne(http, group, topic);
        // and: the server's own reads of its registry, none of them a scrape
        assertThat(http.get("/v1/stats").status()).isEqualTo(200);
        awaitHealthSample();
        assertThat(groupMeters.wanted()).as("wanted before any scrape").isFalse();

        // when: only the management interface is scraped
        String[] partition = {"group", group, "topic", topic, "partition", "0"};
        Scrape scrape = MetricsIT.scrapeUntil(metrics, s -> s.has("eddy_group_lag_records", partition));

        // then
        assertThat(scrape.value("eddy_group_lag_records", partition)).isEqualTo(2);
        assertThat(scrape.value("eddy_group_members", "group", group)).isEqualTo(1);
        assertThat(scrape.value("eddy_group_sample_age_seconds")).isBetween(0.0, 30.0);
        // and the application's port has no /q/metrics (asked last, so that it cannot be what made the demand)
        assertThat(http.get("/q/metrics").status()).isEqualTo(404);
    }

    /** Until the console's health sampler has read the registry twice (it keeps a sample from its second read). */
    private void awaitHealthSample() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (health.samples().isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(health.samples()).isNotEmpty();
    }
}
