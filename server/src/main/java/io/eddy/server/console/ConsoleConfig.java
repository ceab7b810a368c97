package io.eddy.server.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The web console's server side ({@code eddy.console.*}): how often and how long it samples consumer groups' lag. */
@ConfigMapping(prefix = "eddy.console")
public interface ConsoleConfig {
    /** How often the server samples every group's lag for the console's lag-over-time plot. */
    @WithDefault("10s")
    Duration lagSampleInterval();

    /** How far back the lag plot reaches: the samples kept per group are this over the interval. */
    @WithDefault("1h")
    Duration lagHistory();

    /** The most groups sampled; past it the groups first in name order are kept, so the memory stays bounded. */
    @WithDefault("200")
    int maxGroups();
}
