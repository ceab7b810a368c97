package io.eddy.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.server.StandinsTestResource;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real browser (Debian's headless Chromium through /usr/bin/chromedriver) against the server as
 * {@code ./eddy dev} runs it: every page loads without errors in the browser's console, a record produced elsewhere
 * appears in the live tail and one produced from the form in the list, a group's lag appears and falls as it
 * commits, an invalid config shows its error beside the field, the Health page plots the server's sampled meters and
 * lists the last compaction pass. One browser for all of it; each page's screenshot goes to docs/console/, which
 * docs/console.md shows. Without Chromium the test fails, saying so.
 */
@QuarkusTest
@TestProfile(ConsoleIT.FastSampling.class)
@QuarkusTestResource(StandinsTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    /** Lag and meters sampled every second (the scheduler's shortest), so plots have points within seconds. */
    public static class FastSampling implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.console.lag-sample-interval", "1s", "eddy.console.health-sample-interval", "1s");
        }
    }

    @TestHTTPResource("/")
    URL url;

    Http http;
    ConsoleBrowser browser;
    final String suffix = Long.toHexString(System.nanoTime());
    final String topic = "console-" + suffix;
    final String lagTopic = "console-lag-" + suffix;
    final String group = "console-g-" + suffix;

    @BeforeAll
    void startBrowser() throws IOException {
        http = new Http(URI.create(url.toString()));
        browser = new ConsoleBrowser(url);
    }

    @AfterAll
    void stopBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(10)
    void topicsPageListsATopicWithItsRecordCount() throws Exception {
        // given
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 2}").status())
                .isEqualTo(201);
        produce(topic, 0, "{\"key\": \"k\", \"value\": {\"n\": 1}, \"partition\": 0}");
        produce(topic, 0, "{\"key\": \"k\", \"value\": {\"n\": 2}, \"partition\": 0}");
        produce(topic, 1, "{\"key\": \"j\", \"value\": \"three\", \"partition\": 1}");

        // when
        browser.open("#/topics");

        // then
        // its partitions and its records
        browser.waitFor(b ->
                browser.texts("tr[data-topic='" + topic + "'] td").subList(1, 3).equals(List.of("2", "3")));
        // and its size: the bytes the API reports, in human units
        long size = http.get("/v1/topics/" + topic).body().get("size_bytes").asLong();
        assertThat(size).as("three small records: under a KiB").isBetween(1L, 1023L);
        String sizeCell = "tr[data-topic='" + topic + "'] td[data-bytes]";
        browser.waitFor(b -> browser.present(sizeCell)
                && Long.toString(size).equals(browser.find(sizeCell).getAttribute("data-bytes")));
        assertThat(browser.text(sizeCell)).isEqualTo(size + " B");
        assertNoBrowserErrors();
        browser.screenshot("topics");
    }

    @Test
    @Order(25)
    void aTopicsPartitionsShowTheBytesTheApiReports() throws Exception {
        JsonNode partitions = http.get("/v1/topics/" + topic).body().get("partition_offsets");

        browser.open("#/topics/" + topic);

        browser.waitForElement("tr[data-partition='1'] td[data-bytes]");
        for (JsonNode p : partitions) {
            long bytes = p.get("size_bytes").asLong();
            assertThat(bytes).isPositive();
            assertThat(browser.find("tr[data-partition='" + p.get("partition").asInt() + "'] td[data-bytes]")
                            .getAttribute("data-bytes"))
                    .isEqualTo(Long.toString(bytes));
        }
        assertNoBrowserErrors();
        browser.screenshot("topic");
    }

    @Test
    @Order(15)
    void aTopicIsCreatedFromTheFormAndDeletedAfterAConfirmation() {
        String created = "console-new-" + suffix;
        browser.open("#/topics");
        WebElement form = browser.waitForElement("#create-topic");

        // when
        form.findElement(By.name("name")).sendKeys(created);
        form.findElement(By.name("partitions")).clear();
        form.findElement(By.name("partitions")).sendKeys("4");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        // then
        browser.waitFor(b -> browser.present("tr[data-topic='" + created + "']"));
        assertThat(http.get("/v1/topics/" + created).body().get("partitions").asInt())
                .isEqualTo(4);

        // when: delete asks first
        browser.find("button[data-delete='" + created + "']").click();
        assertThat(http.get("/v1/topics/" + created).status()).isEqualTo(200);
        browser.find("button[data-confirm-delete='" + created + "']").click();

        // then
        browser.waitFor(b -> !browser.present("tr[data-topic='" + created + "']"));
        assertThat(http.get("/v1/topics/" + created).status()).isEqualTo(404);
        assertNoBrowserErrors();
    }

    @Test
    @Order(20)
    void recordsProducedElsewhereAndFromTheFormAppearInTheBrowser() throws Exception {
        browser.open("#/messages/" + topic + "/0");
        browser.waitFor(b -> browser.present("#records tr[data-offset='1']"));
        assertThat(browser.text("#records tr[data-offset='1']")).contains("\"n\": 2");

        // when: the live tail is on and another client produces
        browser.driver.findElement(By.id("tail")).click();
        browser.waitFor(b -> browser.text("#browse-info").startsWith("Live"));
        produce(topic, 0, "{\"key\": \"tailed\", \"value\": \"from-elsewhere-" + suffix + "\", \"partition\": 0}");

        // then: the stream brings it
        browser.waitFor(b -> browser.text("#records").contains("from-elsewhere-" + suffix));

        // when: a record is produced from the form, tail off
        browser.driver.findElement(By.id("tail")).click();
        WebElement form = browser.driver.findElement(By.id("produce"));
        form.findElement(By.name("key")).sendKeys("from-form");
        form.findElement(By.name("value")).sendKeys("{\"made\": \"in the browser " + suffix + "\"}");
        form.findElement(By.name("headers")).sendKeys("origin=console");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        // then: the server has it at the next offset, and the list shows it
        browser.waitFor(b -> browser.text("#produce-result").startsWith("Written at partition 0, offset 3"));
        JsonNode stored = http.get("/v1/topics/" + topic + "/partitions/0/records?offset=3")
                .body()
                .get("records")
                .get(0);
        assertThat(stored.get("key").asText()).isEqualTo("from-form");
        assertThat(stored.get("value").get("made").asText()).isEqualTo("in the browser " + suffix);
        assertThat(stored.get("headers").get(0).get("value").asText()).isEqualTo("console");
        browser.waitFor(b -> browser.text("#records tr[data-offset='3']").contains("in the browser " + suffix));
        assertNoBrowserErrors();
        browser.screenshot("messages");
    }

    @Test
    @Order(30)
    void anInvalidConfigShowsItsErrorBesideTheFieldAndChangesNothing() throws Exception {
        browser.open("#/topics/" + topic);
        WebElement retention = browser.waitForElement("input[data-config='retention.ms']");
        assertNoBrowserErrors();

        // when
        retention.clear();
        retention.sendKeys("soon");
        browser.driver
                .findElement(By.cssSelector("#config-form button[type=submit]"))
                .click();

        // then
        browser.waitFor(b -> browser.text("#config-status").startsWith("retention.ms"));
        assertThat(retention.getAttribute("class")).contains("invalid");
        assertThat(http.get("/v1/topics/" + topic)
                        .body()
                        .get("config")
                        .get("retention.ms")
                        .asLong())
                .isEqualTo(604_800_000L);
        browser.screenshot("topic-config-error");
        // the rejected PATCH is the only complaint the browser logs
        assertThat(browser.errors()).allSatisfy(e -> assertThat(e).contains("400"));

        // when: a valid value
        retention.clear();
        retention.sendKeys("-1");
        browser.driver
                .findElement(By.cssSelector("#config-form button[type=submit]"))
                .click();

        // then
        browser.waitFor(b -> browser.text("#config-status").equals("Saved."));
        assertThat(http.get("/v1/topics/" + topic)
                        .body()
                        .get("config")
                        .get("retention.ms")
                        .asLong())
                .isEqualTo(-1L);
        assertThat(retention.getAttribute("class")).doesNotContain("invalid");
    }

    @Test
    @Order(40)
    void aGroupsLagAppearsAndFallsAsItConsumes() throws Exception {
        // given: 40 records and a member that has committed none of them
        assertThat(http.put("/v1/topics/" + lagTopic, "{\"partitions\": 1}").status())
                .isEqualTo(201);
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            records.append(i == 0 ? "" : ",").append("{\"value\": ").append(i).append("}");
        }
        assertThat(http.post("/v1/topics/" + lagTopic + "/records", "{\"records\": [" + records + "]}")
                        .status())
                .isEqualTo(200);
        Http.Reply joined = http.put(
                "/v1/groups/" + group + "/members/m1", "{\"member_epoch\": 0, \"topics\": [\"" + lagTopic + "\"]}");
        assertThat(joined.status()).isEqualTo(200);
        long epoch = joined.body().get("member_epoch").asLong();
        commit(group, epoch, lagTopic, 0);

        // when
        browser.open("#/groups");
        browser.waitFor(b -> browser.text("tr[data-group='" + group + "']").contains("40"));
        assertNoBrowserErrors();
        browser.screenshot("groups");
        browser.open("#/groups/" + group);

        // then: the lag shows, and the server's plot has points
        browser.waitFor(b -> browser.text("#total-lag").equals("40"));
        browser.waitFor(b -> browser.present("#lag-plot canvas"));

        // when: it consumes in two steps, the lag falls on the page
        commit(group, epoch, lagTopic, 25);
        browser.waitFor(b -> browser.text("#total-lag").equals("15"));
        commit(group, epoch, lagTopic, 40);
        browser.waitFor(b -> browser.text("#total-lag").equals("0"));

        // then: the server sampled the fall, in order
        browser.waitFor(b -> lagHistory(group).contains(0L));
        List<Long> history = lagHistory(group);
        int first = history.indexOf(40L);
        assertThat(first).isNotNegative();
        // (a sample between the join and the first commit has no committed partition, so no lag: 0 before 40)
        assertThat(history.subList(first, history.size()))
                .isSortedAccordingTo((a, b) -> Long.compare(b, a))
                .endsWith(0L);
        assertNoBrowserErrors();
        browser.screenshot("group");
    }

    @Test
    @Order(50)
    void aResetIsPreviewedBeforeItMovesTheGroupsOffsets() {
        // given: the group above, its member gone (a reset needs a group without live members)
        assertThat(http.delete("/v1/groups/" + group + "/members/m1").status()).isEqualTo(204);
        browser.open("#/groups/" + group);
        WebElement form = browser.waitForElement("#reset");

        // when: a preview of a reset to the earliest offsets
        new Select(form.findElement(By.name("to"))).selectByVisibleText("earliest");
        form.findElement(By.cssSelector("button[value=preview]")).click();

        // then: where it would go, and nothing moved
        browser.waitFor(b -> browser.text("#reset-result").startsWith("Preview"));
        assertThat(browser.texts("#reset-result tbody td")).containsExactly(lagTopic, "0", "0");
        assertThat(committed()).isEqualTo(40);

        // when: applied
        form.findElement(By.cssSelector("button[value=apply]")).click();

        // then
        browser.waitFor(b -> browser.text("#reset-result").startsWith("Offsets reset"));
        assertThat(committed()).isZero();
        browser.waitFor(b -> browser.text("#total-lag").equals("40"));
        assertNoBrowserErrors();
    }

    private long committed() {
        return http.get("/v1/groups/" + group)
                .body()
                .get("partitions")
                .get(0)
                .get("committed_offset")
                .asLong();
    }

    @Test
    @Order(60)
    void healthPagePlotsTheServersMetersAndListsTheLastCompactionPasses() throws Exception {
        // given: produce traffic the server's sampler sees, and a compaction pass
        http.put("/v1/topics/" + topic, "{\"partitions\": 2}");
        for (int i = 0; i < 5; i++) {
            produce(topic, 0, "{\"partition\": 0, \"value\": \"health " + i + "\"}");
        }
        Http.Reply compacted = http.post("/v1/admin/compact?topic=" + topic, "");
        assertThat(compacted.status()).as(compacted.raw()).isEqualTo(200);
        browser.waitFor(b -> sampledProduceRate() > 0);

        // when
        browser.open("#/health");

        // then: every plot drawn from the server's samples, the pass listed, the stats' counters below
        for (String plot : List.of("requests-plot", "errors-plot", "latency-plot", "cache-plot", "calls-plot")) {
            browser.waitFor(b -> browser.present("#" + plot + " canvas"));
        }
        browser.waitFor(b -> browser.texts("#compactions tbody tr").size() >= 1);
        assertThat(browser.text("#compactions")).contains("Partitions", "Objects deleted");
        assertThat(browser.text("#counters")).contains("s3.requests.PutObject", "cache.memory.hits");
        assertThat(browser.text("#requests-plot")).contains("produce", "fetch", "commit");
        assertNoBrowserErrors();
        browser.screenshot("health");
    }

    /** The highest produce rate in the server's health samples. */
    private double sampledProduceRate() {
        double max = 0;
        for (var s : http.get("/console/api/health").body().get("samples")) {
            max = Math.max(max, s.get("values").path("produce.per_s").asDouble());
        }
        return max;
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private void produce(String topic, int partition, String record) {
        Http.Reply r = http.post("/v1/topics/" + topic + "/records", "{\"records\": [" + record + "]}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().get("offsets").get(0).get("partition").asInt()).isEqualTo(partition);
    }

    private void commit(String group, long epoch, String topic, long offset) {
        Http.Reply r = http.post(
                "/v1/groups/" + group + "/offsets",
                "{\"member_id\": \"m1\", \"member_epoch\": " + epoch + ", \"offsets\": [{\"topic\": \"" + topic
                        + "\", \"partition\": 0, \"offset\": " + offset + "}]}");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
    }

    /** The group's total lag in each sample the server kept, oldest first. */
    private List<Long> lagHistory(String group) {
        List<Long> out = new ArrayList<>();
        http.get("/console/api/groups/" + group + "/lag")
                .body()
                .get("samples")
                .forEach(s -> out.add(s.get("lag").asLong()));
        return out;
    }

    private void assertNoBrowserErrors() {
        assertThat(browser.errors()).isEmpty();
    }
}
