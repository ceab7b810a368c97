package io.eddy.runtime;

import io.eddy.core.error.ErrorCode;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Rejects a {@code Content-Type} (415 {@code unsupported_media_type}) or {@code Accept} (406 {@code not_acceptable})
 * that is not a media type at all, such as {@code application/}, {@code a/b/c} or a blank one, before routing: the router's own
 * parse of such a header throws an {@link IllegalArgumentException} that would otherwise become a 500. Stateless,
 * thread-safe.
 */
@jakarta.inject.Singleton
public class MediaTypeHeaders {

    @ServerRequestFilter(preMatching = true)
    public Response checkMediaTypes(ContainerRequestContext request) {
        String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && !parses(contentType)) {
            return Problems.problem(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type is not a media type; send " + "application/json",
                    Map.of("header", HttpHeaders.CONTENT_TYPE),
                    null);
        }
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept != null && !accept.isBlank()) {
            for (String type : accept.split(",")) {
                if (!type.isBlank() && !parses(type)) {
                    return Problems.problem(
                            ErrorCode.NOT_ACCEPTABLE,
                            "Accept is not a list of media types; accept " + "application/json",
                            Map.of("header", HttpHeaders.ACCEPT),
                            null);
                }
            }
        }
        return null;
    }

    private static boolean parses(String type) {
        if (type.isBlank()) {
            return false;
        }
        try {
            MediaType.valueOf(type.trim());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
