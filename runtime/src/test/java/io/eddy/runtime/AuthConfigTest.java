package io.eddy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Principals come from environment variables where nothing else exists (a Lambda function's configuration). */
class AuthConfigTest {

    @Test
    void principalsAreReadFromEnvironmentVariables() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(EddyConfig.class)
                // Quarkus' own "5m" durations, as the application has them
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(
                        Map.of(
                                "EDDY_AUTH_MODE", "iam",
                                "EDDY_AUTH_PRINCIPALS_WRITERS_IAM_ARN",
                                        "arn:aws:sts::123456789012:assumed-role/eddy-writer/*",
                                "EDDY_AUTH_PRINCIPALS_WRITERS_GRANTS", "produce:topic:orders-*,consume:topic:orders-*",
                                "EDDY_AUTH_PRINCIPALS_CI_TOKEN_SHA256",
                                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                        300))
                .build();
        EddyConfig.Auth auth = config.getConfigMapping(EddyConfig.class).auth();

        assertThat(auth.mode()).isEqualTo(EddyConfig.AuthMode.IAM);
        assertThat(auth.principals()).containsOnlyKeys("writers", "ci");
        assertThat(auth.principals().get("writers").iamArn())
                .contains("arn:aws:sts::123456789012:assumed-role/eddy-writer/*");
        assertThat(auth.principals().get("writers").grants())
                .contains(List.of("produce:topic:orders-*", "consume:topic:orders-*"));
        assertThat(auth.principals().get("ci").tokenSha256()).isPresent();
    }
}
