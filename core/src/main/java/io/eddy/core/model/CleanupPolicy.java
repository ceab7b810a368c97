package io.eddy.core.model;

/** What happens to old records of a topic: Kafka's {@code cleanup.policy}. */
public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact");

    private final String wire;

    CleanupPolicy(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static CleanupPolicy fromWire(String value) {
        for (CleanupPolicy p : values()) {
            if (p.wire.equals(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException(value);
    }
}
