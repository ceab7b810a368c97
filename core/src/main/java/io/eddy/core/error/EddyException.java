package io.eddy.core.error;

import java.util.Map;

/**
 * The one unchecked root of Eddy's failures. The HTTP edge maps it to problem+json; {@link #details()}
 * become extra members of that document (for example both offset bounds of an out-of-range fetch).
 */
public class EddyException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> details;

    public EddyException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public EddyException(ErrorCode code, String message, Throwable cause) {
        this(code, message, Map.of(), cause);
    }

    public EddyException(ErrorCode code, String message, Map<String, Object> details) {
        this(code, message, details, null);
    }

    public EddyException(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = Map.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    public boolean retryable() {
        return code.retryable();
    }
}
