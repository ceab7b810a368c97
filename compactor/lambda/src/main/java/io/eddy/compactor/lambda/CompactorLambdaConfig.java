package io.eddy.compactor.lambda;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;

/** The compactor function's own settings, read once at start. Immutable, thread-safe. */
@ConfigMapping(prefix = "eddy.compactor.lambda")
public interface CompactorLambdaConfig {

    /**
     * How long each invocation may run, in place of the remaining time its Lambda context reports. Unset on AWS,
     * where the context carries the invocation's deadline; set where no Lambda runtime gives one (Quarkus' mock
     * event server in tests, whose context reports no real remaining time).
     */
    Optional<Duration> invocationTime();
}
