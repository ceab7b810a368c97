package io.eddy.runtime.metrics;

import java.util.Locale;

/**
 * What a metered request does: each kind has a request counter ({@code eddy_<kind>_requests_total} by api and
 * outcome) and a latency histogram ({@code eddy_<kind>_seconds} by api; for produce, the time to the ack).
 */
public enum RequestKind {
    PRODUCE("eddy.produce.ack"),
    FETCH("eddy.fetch"),
    COMMIT("eddy.commit");

    private final String timer;

    RequestKind(String timer) {
        this.timer = timer;
    }

    /** The latency histogram's meter name (Prometheus appends {@code _seconds}). */
    public String timer() {
        return timer;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
