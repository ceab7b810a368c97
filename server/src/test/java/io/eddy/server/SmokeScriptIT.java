package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code localstack/smoke.sh}, the smoke test run against deployed endpoints (LocalStack, AWS), run against this
 * server, which serves the same API: so the script is checked on every build, Docker or not.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class SmokeScriptIT {
    private static final Path SCRIPT =
            Path.of("..", "localstack", "smoke.sh").toAbsolutePath().normalize();

    @TestHTTPResource("/")
    URL url;

    @Test
    void theDeploymentSmokeTestPassesAgainstTheServer() throws Exception {
        assertThat(SCRIPT).exists();
        Path log = Files.createTempFile("eddy-smoke", ".log");
        try {
            Process smoke = new ProcessBuilder("bash", SCRIPT.toString(), url.toString(), url.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            assertThat(smoke.waitFor(2, TimeUnit.MINUTES))
                    .as("smoke.sh finished")
                    .isTrue();
            String output = Files.readString(log, StandardCharsets.UTF_8);

            assertThat(smoke.exitValue()).as(output).isZero();
            assertThat(output).contains("smoke test passed");
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
