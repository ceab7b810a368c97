package io.eddy.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.auth.TokenHash;
import io.eddy.server.StandinsTestResource;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console with tokens on: it asks for a token, keeps it in the tab's sessionStorage only, sends it as a bearer
 * token, shows only the topics the token's grants allow, and says so when a grant is missing instead of breaking.
 */
@QuarkusTest
@TestProfile(ConsoleAccessIT.Tokens.class)
@QuarkusTestResource(StandinsTestResource.class)
class ConsoleAccessIT {
    static final String ADMIN = "eddy_console-admin-Wd3kP8";
    static final String READER = "eddy_console-reader-Rt6mQ2";

    /** An administrator, and a reader of topics access-a-* only. */
    public static class Tokens implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "eddy.auth.mode", "token",
                    "eddy.auth.principals.admin.token-sha256",
                            TokenHash.of(ADMIN).hex(),
                    "eddy.auth.principals.admin.grants", "admin:topic:*,admin:group:*,admin:cluster:*",
                    "eddy.auth.principals.reader.token-sha256",
                            TokenHash.of(READER).hex(),
                    "eddy.auth.principals.reader.grants", "consume:topic:access-a-*,consume:group:access-a-*");
        }
    }

    @TestHTTPResource("/")
    URL url;

    @Test
    void theConsoleAsksForATokenKeepsItForTheTabOnlyAndShowsOnlyWhatItsGrantsAllow() throws Exception {
        // given: a topic the reader may see and one it may not
        Http http = new Http(URI.create(url.toString()));
        String suffix = Long.toHexString(System.nanoTime());
        String mine = "access-a-" + suffix;
        String theirs = "access-b-" + suffix;
        for (String t : List.of(mine, theirs)) {
            assertThat(asAdmin(http, "PUT", "/v1/topics/" + t, "{\"partitions\": 1}"))
                    .isEqualTo(201);
        }

        try (ConsoleBrowser browser = new ConsoleBrowser(url)) {
            // when: no token yet
            browser.open("#/topics");

            // then: it asks for one
            browser.waitFor(b -> browser.find("#token-dialog").isDisplayed());
            browser.screenshot("token");

            // when: a token the server does not know
            browser.find("#token-input").sendKeys("eddy_not-a-token");
            browser.find("#token-form button").click();
            browser.waitFor(b -> browser.text("#token-error").equals("That token was not accepted."));

            // when: the reader's token
            browser.find("#token-input").sendKeys(READER);
            browser.find("#token-form button").click();

            // then: its topic only
            browser.waitFor(b -> browser.present("tr[data-topic='" + mine + "']"));
            assertThat(browser.present("tr[data-topic='" + theirs + "']")).isFalse();
            assertThat(browser.find("#token-dialog").isDisplayed()).isFalse();

            // when: it tries what it may not do
            browser.find("button[data-delete='" + mine + "']").click();
            browser.find("button[data-confirm-delete='" + mine + "']").click();

            // then: it is told, and nothing changed
            browser.waitFor(b -> browser.text("#topics-action").contains("does not allow"));
            assertThat(asAdmin(http, "GET", "/v1/topics/" + mine, null)).isEqualTo(200);
            browser.open("#/health");
            browser.waitFor(b -> browser.present(".forbidden"));
            browser.screenshot("forbidden");

            // the token lives in this tab's sessionStorage, nowhere else
            assertThat(browser.script(
                            "return [sessionStorage.getItem('eddy.token'), localStorage.length, document.cookie]"))
                    .isEqualTo(List.of(READER, 0L, ""));

            // when: forgotten, it asks again
            browser.find("#sign-out").click();
            browser.waitFor(b -> browser.find("#token-dialog").isDisplayed());
            assertThat(browser.script("return sessionStorage.getItem('eddy.token')"))
                    .isNull();

            // the refusals above are the only complaints the browser logged
            assertThat(browser.errors()).allSatisfy(e -> assertThat(e).containsAnyOf(" 401 ", " 403 "));
        }
    }

    private int asAdmin(Http http, String method, String path, String json) {
        return http.send(
                        method,
                        path,
                        json == null ? null : "application/json",
                        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                        "Authorization",
                        "Bearer " + ADMIN)
                .status();
    }
}
