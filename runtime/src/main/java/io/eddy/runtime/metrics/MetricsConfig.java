package io.eddy.runtime.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code eddy.metrics.*}: how Eddy's meters are labelled and sampled. */
@ConfigMapping(prefix = "eddy.metrics")
public interface MetricsConfig {
    /**
     * Distinct topic names, and separately group names, that get a label value of their own; past it they are counted
     * as {@code other}, so that the metrics stay bounded however many topics and groups there are.
     */
    @WithDefault("100")
    int labelCap();

    /**
     * Whether to write the meters as CloudWatch embedded metric format lines to standard output after each request
     * (on by each function's Lambda packaging, and in the Kafka service's container).
     */
    @WithDefault("false")
    boolean emf();

    /** How often the server samples consumer groups' lag, members and epochs for the group gauges. */
    @WithDefault("15s")
    Duration groupSampleInterval();
}
