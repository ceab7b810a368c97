package io.eddy.server.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The web console's server side ({@code eddy.console.*}): how often and how long it samples consumer groups' lag
 * and the process's meters.
 */
@ConfigMapping(prefix = "eddy.console")
public interface ConsoleConfig {
    /** How often the server samples the lag of each watched group for the console's lag-over-time plot. */
    @WithDefault("10s")
    Duration lagSampleInterval();

    /** How far back the lag plot reaches: the samples kept per group are this over the interval. */
    @WithDefault("1h")
    Duration lagHistory();

    /** The most groups sampled; past it the groups watched longest ago are dropped, so the memory stays bounded. */
    @WithDefault("200")
    int maxGroups();

    /** How often the server reads its meters for the console's Health page (rates, latency, cache, calls). */
    @WithDefault("5s")
    Duration healthSampleInterval();

    /** How far back the Health page's plots reach. */
    @WithDefault("1h")
    Duration healthHistory();

    /** The samples a ring keeps to reach {@code history} back at one per {@code interval}: at least 2, at most 100,000. */
    static int samplesIn(Duration history, Duration interval) {
        long perInterval = Math.max(1, interval.toMillis());
        return (int) Math.max(2, Math.min(100_000, history.toMillis() / perInterval));
    }
}
