package io.eddy.core.group;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.Locale;
import java.util.Map;

/** Where a member starts on a partition the group has no committed offset for: Kafka's {@code auto.offset.reset}. */
public enum OffsetReset {
    /** The log start offset. */
    EARLIEST("earliest"),
    /** The high watermark: only records produced from now on. */
    LATEST("latest"),
    /** No start offset: the client must seek (Kafka's consumer throws {@code NoOffsetForPartitionException}). */
    NONE("none");

    private final String wire;

    OffsetReset(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** @throws EddyException {@code invalid_request} for any other name */
    public static OffsetReset fromWire(String name) {
        for (OffsetReset r : values()) {
            if (r.wire.equals(name.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new EddyException(
                ErrorCode.INVALID_REQUEST,
                "auto_offset_reset must be earliest, latest or none, not '" + name + "'",
                Map.of("field", "auto_offset_reset"));
    }
}
