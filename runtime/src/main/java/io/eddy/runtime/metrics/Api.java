package io.eddy.runtime.metrics;

import java.util.Locale;

/** The face a request came through, as the {@code api} label: Eddy's HTTP API or the Kafka protocol. */
public enum Api {
    HTTP,
    KAFKA;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
