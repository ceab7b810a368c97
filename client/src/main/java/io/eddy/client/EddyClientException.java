package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failed call: the server's problem ({@code code}, HTTP {@code status}, {@code retryable}, the problem's JSON),
 * or a client-side failure with a code of the client's own: {@code unreachable} (no connection; status 0,
 * retryable), {@code timeout} (a bound such as {@code max.block.ms} or {@code delivery.timeout.ms} passed),
 * {@code bad_response} (the server answered something unreadable), {@code closed}.
 */
public class EddyClientException extends RuntimeException {
    public static final String UNREACHABLE = "unreachable";
    public static final String TIMEOUT = "timeout";
    public static final String BAD_RESPONSE = "bad_response";
    public static final String CLOSED = "closed";

    private final String code;
    private final int status;
    private final boolean retryable;
    private final transient JsonNode problem;

    public EddyClientException(
            String code, int status, boolean retryable, String detail, JsonNode problem, Throwable cause) {
        super(detail, cause);
        this.code = code;
        this.status = status;
        this.retryable = retryable;
        this.problem = problem;
    }

    public static EddyClientException client(String code, String detail, Throwable cause) {
        return new EddyClientException(code, 0, code.equals(UNREACHABLE), detail, null, cause);
    }

    /** The stable problem code, e.g. {@code unknown_topic}, or one of this class's client codes. */
    public String code() {
        return code;
    }

    /** The HTTP status, 0 when there was no answer. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The problem+json body, or {@code null}. */
    public JsonNode problem() {
        return problem;
    }
}
