package io.eddy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.support.RetryPolicy;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every store's retries come from one policy built from {@code eddy.storage.retry.*}. */
class StorageRetryConfigTest {

    private static EddyConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(EddyConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 300))
                .build()
                .getConfigMapping(EddyConfig.class);
    }

    @Test
    void unsetRetryIsTheStorageDefault() {
        assertThat(new EddyWiring().storageRetry(config(Map.of()))).isEqualTo(RetryPolicy.defaults());
    }

    @Test
    void configuredRetryIsThePolicyOfEveryStore() {
        RetryPolicy policy = new EddyWiring()
                .storageRetry(config(Map.of(
                        "eddy.storage.retry.max-attempts", "8",
                        "eddy.storage.retry.base-backoff", "10ms",
                        "eddy.storage.retry.max-backoff", "2s",
                        "eddy.storage.retry.jitter", "1")));

        assertThat(policy).isEqualTo(new RetryPolicy(8, Duration.ofMillis(10), Duration.ofSeconds(2), 1.0));
    }
}
