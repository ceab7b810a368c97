package io.eddy.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.runtime.json.JsonRecords;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one mapping of failures to RFC 9457 problem+json: a stable {@code code}, {@code retryable}, and any
 * details of the failure as extra members. Never a stack trace; a 500 only for Eddy's own faults, logged.
 */
public class Problems {
    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(Problems.class);

    @ServerExceptionMapper
    public Response eddy(EddyException e, UriInfo uri) {
        if (e.code().status() >= 500) {
            LOG.errorf(e, "%s %s failed: %s", e.code().code(), uri.getPath(), e.getMessage());
        }
        return problem(e.code(), e.getMessage(), e.details(), uri);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return problem(ErrorCode.MALFORMED_JSON, "the body is not valid JSON: " + JsonRecords.reason(e), Map.of(), uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        ErrorCode code;
        String detail;
        if (e instanceof NotFoundException) {
            code = ErrorCode.NOT_FOUND;
            detail = "no such resource: " + uri.getPath();
        } else if (e instanceof NotAllowedException) {
            code = ErrorCode.METHOD_NOT_ALLOWED;
            detail = "method not allowed on " + uri.getPath();
        } else if (e instanceof NotSupportedException) {
            code = ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            detail = "unsupported content type; send application/json";
        } else if (e instanceof NotAcceptableException) {
            code = ErrorCode.NOT_ACCEPTABLE;
            detail = "cannot produce the requested media type; accept application/json";
        } else if (e.getResponse().getStatus() == 413) {
            code = ErrorCode.REQUEST_TOO_LARGE;
            detail = "the request body is too large";
        } else if (e.getResponse().getStatus() < 500) {
            code = ErrorCode.INVALID_REQUEST;
            detail = "bad request";
        } else {
            LOG.errorf(e, "request to %s failed", uri.getPath());
            code = ErrorCode.INTERNAL_ERROR;
            detail = "internal error";
        }
        return problem(code, detail, Map.of(), uri);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.errorf(e, "request to %s failed", uri.getPath());
        return problem(ErrorCode.INTERNAL_ERROR, "internal error", Map.of(), uri);
    }

    public static Response problem(ErrorCode code, String detail, Map<String, Object> details, UriInfo uri) {
        Response.ResponseBuilder r = Response.status(code.status())
                .type(PROBLEM_JSON)
                .entity(body(code, detail, details, uri == null ? null : uri.getPath()));
        if (code.retryable()) {
            r.header("Retry-After", "1");
        }
        return r.build();
    }

    /** The problem document's members, in their wire order. */
    public static Map<String, Object> body(
            ErrorCode code, String detail, Map<String, Object> details, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:eddy:problem:" + code.code());
        body.put("title", title(code));
        body.put("status", code.status());
        body.put("detail", detail);
        body.put("code", code.code());
        body.put("retryable", code.retryable());
        if (instance != null) {
            body.put("instance", instance);
        }
        new java.util.TreeMap<>(details).forEach(body::putIfAbsent);
        return body;
    }

    private static String title(ErrorCode code) {
        String words = code.code().replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
