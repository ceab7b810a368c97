package io.eddy.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's headless Chromium through /usr/bin/chromedriver) against the server as
 * {@code ./eddy dev} runs it: every page loads without errors in the browser's console, a record produced elsewhere
 * appears in the live tail and one produced from the form in the list, a group's lag appears and falls as it
 * commits, an invalid config shows its error beside the field. One browser for all of it; each page's screenshot
 * goes to docs/console/, which docs/console.md shows. Without Chromium the test fails, saying so.
 */
@QuarkusTest
@TestProfile(ConsoleIT.FastLagSampling.class)
@QuarkusTestResource(StandinsTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(20);

    /** Lag sampled every second (the scheduler's shortest), so the plot has points within the test's seconds. */
    public static class FastLagSampling implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.console.lag-sample-interval", "1s");
        }
    }

    @TestHTTPResource("/")
    URL url;

    Http http;
    WebDriver browser;
    Path profile;
    final String suffix = Long.toHexString(System.nanoTime());
    final String topic = "console-" + suffix;

    @BeforeAll
    void startBrowser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("Chromium is not installed at " + CHROMIUM + " with its driver at " + CHROMEDRIVER
                    + ": install the Debian packages chromium and chromium-driver (CI's .ci/run does)");
        }
        http = new Http(URI.create(url.toString()));
        profile = Files.createTempDirectory("console-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    @AfterAll
    void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void topicsPageListsATopicWithItsRecordCount() throws Exception {
        // given
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 2}").status())
                .isEqualTo(201);
        produce(topic, 0, "{\"key\": \"k\", \"value\": {\"n\": 1}, \"partition\": 0}");
        produce(topic, 0, "{\"key\": \"k\", \"value\": {\"n\": 2}, \"partition\": 0}");
        produce(topic, 1, "{\"key\": \"j\", \"value\": \"three\", \"partition\": 1}");

        // when
        open("#/topics");

        // then
        // its partitions and its records
        waitFor(b -> cells(b, "tr[data-topic='" + topic + "'] td").subList(1, 3).equals(List.of("2", "3")));
        assertNoBrowserErrors();
        screenshot("topics");
    }

    @Test
    @Order(2)
    void recordsProducedElsewhereAndFromTheFormAppearInTheBrowser() throws Exception {
        open("#/messages/" + topic + "/0");
        waitFor(b ->
                b.findElements(By.cssSelector("#records tr[data-offset='1']")).size() == 1);
        assertThat(text(browser, "#records tr[data-offset='1']")).contains("\"n\": 2");

        // when: the live tail is on and another client produces
        browser.findElement(By.id("tail")).click();
        waitFor(b -> text(b, "#browse-info").startsWith("Live"));
        produce(topic, 0, "{\"key\": \"tailed\", \"value\": \"from-elsewhere-" + suffix + "\", \"partition\": 0}");

        // then: the stream brings it
        waitFor(b -> text(b, "#records").contains("from-elsewhere-" + suffix));

        // when: a record is produced from the form, tail off
        browser.findElement(By.id("tail")).click();
        WebElement form = browser.findElement(By.id("produce"));
        form.findElement(By.name("key")).sendKeys("from-form");
        form.findElement(By.name("value")).sendKeys("{\"made\": \"in the browser " + suffix + "\"}");
        form.findElement(By.name("headers")).sendKeys("origin=console");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        // then: the server has it at the next offset, and the list shows it
        waitFor(b -> text(b, "#produce-result").startsWith("Written at partition 0, offset 3"));
        JsonNode stored = http.get("/v1/topics/" + topic + "/partitions/0/records?offset=3")
                .body()
                .get("records")
                .get(0);
        assertThat(stored.get("key").asText()).isEqualTo("from-form");
        assertThat(stored.get("value").get("made").asText()).isEqualTo("in the browser " + suffix);
        assertThat(stored.get("headers").get(0).get("value").asText()).isEqualTo("console");
        waitFor(b -> text(b, "#records tr[data-offset='3']").contains("in the browser " + suffix));
        assertNoBrowserErrors();
        screenshot("messages");
    }

    @Test
    @Order(3)
    void anInvalidConfigShowsItsErrorBesideTheFieldAndChangesNothing() throws Exception {
        open("#/topics/" + topic);
        WebElement retention = waitForElement("input[data-config='retention.ms']");
        assertNoBrowserErrors();

        // when
        retention.clear();
        retention.sendKeys("soon");
        browser.findElement(By.cssSelector("#config-form button[type=submit]")).click();

        // then
        waitFor(b -> text(b, "#config-status").startsWith("retention.ms"));
        assertThat(retention.getAttribute("class")).contains("invalid");
        assertThat(http.get("/v1/topics/" + topic)
                        .body()
                        .get("config")
                        .get("retention.ms")
                        .asLong())
                .isEqualTo(604_800_000L);
        screenshot("topic-config-error");
        // the rejected PATCH is the only complaint the browser logs
        assertThat(browserErrors()).allSatisfy(e -> assertThat(e).contains("400"));

        // when: a valid value
        retention.clear();
        retention.sendKeys("-1");
        browser.findElement(By.cssSelector("#config-form button[type=submit]")).click();

        // then
        waitFor(b -> text(b, "#config-status").equals("Saved."));
        assertThat(http.get("/v1/topics/" + topic)
                        .body()
                        .get("config")
                        .get("retention.ms")
                        .asLong())
                .isEqualTo(-1L);
        assertThat(retention.getAttribute("class")).doesNotContain("invalid");
    }

    @Test
    @Order(4)
    void aGroupsLagAppearsAndFallsAsItConsumes() throws Exception {
        // given: 40 records and a member that has committed none of them
        String lagTopic = "console-lag-" + suffix;
        String group = "console-g-" + suffix;
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
        open("#/groups");
        waitFor(b -> text(b, "tr[data-group='" + group + "']").contains("40"));
        assertNoBrowserErrors();
        screenshot("groups");
        open("#/groups/" + group);

        // then: the lag shows, and the server's plot has points
        waitFor(b -> text(b, "#total-lag").equals("40"));
        waitFor(b -> !b.findElements(By.cssSelector("#lag-plot canvas")).isEmpty());

        // when: it consumes in two steps, the lag falls on the page
        commit(group, epoch, lagTopic, 25);
        waitFor(b -> text(b, "#total-lag").equals("15"));
        commit(group, epoch, lagTopic, 40);
        waitFor(b -> text(b, "#total-lag").equals("0"));

        // then: the server sampled the fall, in order
        waitFor(b -> lagHistory(group).contains(0L));
        List<Long> history = lagHistory(group);
        int first = history.indexOf(40L);
        assertThat(first).isNotNegative();
        // (a sample between the join and the first commit has no committed partition, so no lag: 0 before 40)
        assertThat(history.subList(first, history.size()))
                .isSortedAccordingTo((a, b) -> Long.compare(b, a))
                .endsWith(0L);
        assertNoBrowserErrors();
        screenshot("group");
    }

    @Test
    @Order(5)
    void healthPageShowsTheServersCountersAndRates() throws Exception {
        open("#/health");
        waitFor(b -> text(b, "#health-cards").contains("S3 requests"));
        assertThat(text(browser, "#counters")).contains("s3.requests.PutObject", "cache.memory.hits");
        // the second reading (5 s on) gives rates and the plot
        waitFor(b -> !b.findElements(By.cssSelector("#rate-plot canvas")).isEmpty()
                || text(b, "#rate-plot").contains("Nothing has moved"));
        assertNoBrowserErrors();
        screenshot("health");
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

    private void open(String hash) {
        browser.get(url.toString() + "console/" + hash);
    }

    private void waitFor(Predicate<WebDriver> condition) {
        new WebDriverWait(browser, WAIT).ignoring(RuntimeException.class).until(condition::test);
    }

    private WebElement waitForElement(String css) {
        return new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.cssSelector(css)));
    }

    private static String text(WebDriver b, String css) {
        return b.findElement(By.cssSelector(css)).getText().trim();
    }

    private static List<String> cells(WebDriver b, String css) {
        return b.findElements(By.cssSelector(css)).stream()
                .map(e -> e.getText().trim())
                .toList();
    }

    /** The browser console's errors since the last call (reading them empties the log). */
    private List<String> browserErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    private void assertNoBrowserErrors() {
        assertThat(browserErrors()).isEmpty();
    }

    private void screenshot(String name) throws IOException {
        Path dir = Path.of("..", "docs", "console");
        Files.createDirectories(dir);
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(dir.resolve(name + ".png"), png);
    }
}
