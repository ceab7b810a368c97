package io.eddy.runtime;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Rejects a body over {@code eddy.http.max-request-bytes} before it is read, with 413 {@code request_too_large}. */
@jakarta.inject.Singleton
public class RequestLimits {
    /** A provider: request filters are created during static init, before runtime configuration exists. */
    private final Provider<EddyConfig> config;

    public RequestLimits(Provider<EddyConfig> config) {
        this.config = config;
    }

    private int maxRequestBytes() {
        return config.get().http().maxRequestBytes();
    }

    @ServerRequestFilter(preMatching = true)
    public Response checkLength(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Problems.problem(ErrorCode.INVALID_REQUEST, "Content-Length is not a number", Map.of(), null);
        }
        if (n > maxRequestBytes()) {
            EddyException e = tooLargeException(n);
            return Problems.problem(e.code(), e.getMessage(), e.details(), null);
        }
        return null;
    }

    /** Checks a body already read (a chunked request has no Content-Length). */
    public void check(byte[] body) {
        if (body != null && body.length > maxRequestBytes()) {
            throw tooLargeException(body.length);
        }
    }

    private EddyException tooLargeException(long n) {
        return new EddyException(
                ErrorCode.REQUEST_TOO_LARGE,
                "the request body of " + n + " bytes exceeds the limit of " + maxRequestBytes() + " bytes",
                Map.of("max_request_bytes", maxRequestBytes()));
    }
}
