package io.eddy.runtime;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.Map;

/** Parses path and query parameters, so a bad one is a 400 naming it rather than a framework 404. */
public final class Params {
    private Params() {}

    public static int partition(String raw) {
        long p = longValue("partition", raw, 0, Integer.MAX_VALUE);
        return (int) p;
    }

    public static long longValue(String name, String raw, long min, long max) {
        try {
            long v = Long.parseLong(raw.trim());
            if (v < min || v > max) {
                throw outOfRange(name, raw, min, max);
            }
            return v;
        } catch (NumberFormatException | NullPointerException e) {
            throw new EddyException(
                    ErrorCode.INVALID_PARAMETER,
                    "'" + name + "' must be an integer, not '" + raw + "'",
                    Map.of("parameter", name));
        }
    }

    /** An optional integer parameter: {@code fallback} when absent. */
    public static long longValue(String name, String raw, long min, long max, long fallback) {
        return raw == null || raw.isEmpty() ? fallback : longValue(name, raw, min, max);
    }

    private static EddyException outOfRange(String name, String raw, long min, long max) {
        return new EddyException(
                ErrorCode.INVALID_PARAMETER,
                "'" + name + "' must be between " + min + " and " + max + ", not " + raw,
                Map.of("parameter", name));
    }

    /** A boolean query flag: absent, "true" or "false". */
    public static boolean flag(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            return false;
        }
        if (raw.equals("true") || raw.equals("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw new EddyException(
                ErrorCode.INVALID_PARAMETER,
                "'" + name + "' must be true or false, not '" + raw + "'",
                Map.of("parameter", name));
    }
}
