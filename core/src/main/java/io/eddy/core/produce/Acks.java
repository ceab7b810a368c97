package io.eddy.core.produce;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.Map;

/** When a produce is acknowledged, as Kafka's {@code acks}. */
public enum Acks {
    /** As soon as the request is accepted into the open segment (server mode only): it may still be lost. */
    NONE("0"),
    /** After one bucket (the primary, or the next replica when it fails) holds the segment and the commit. */
    LEADER("1"),
    /** After every replica bucket holds the segment and the commit. */
    ALL("all");

    private final String wire;

    Acks(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Parses {@code 0}, {@code 1}, {@code all} (or {@code -1}, Kafka's spelling of all); null means 1. */
    public static Acks fromWire(String value) {
        if (value == null) {
            return LEADER;
        }
        return switch (value) {
            case "0" -> NONE;
            case "1" -> LEADER;
            case "all", "-1" -> ALL;
            default ->
                throw new EddyException(
                        ErrorCode.INVALID_PARAMETER,
                        "acks must be 0, 1 or all, not '" + value + "'",
                        Map.of("parameter", "acks", "value", value));
        };
    }
}
