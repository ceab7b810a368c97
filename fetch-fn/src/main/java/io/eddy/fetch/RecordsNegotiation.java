package io.eddy.fetch;

import io.eddy.core.format.BatchFrames;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code GET …/records} answers JSON unless the client names batches or an event stream in {@code Accept}:
 * with no {@code Accept}, or {@code *}{@code /*}, JAX-RS would be free to pick any of the three methods.
 */
public class RecordsNegotiation {

    @ServerRequestFilter(preMatching = true)
    public void jsonByDefault(ContainerRequestContext request) {
        if (!"GET".equals(request.getMethod())
                || !request.getUriInfo().getPath().endsWith("/records")) {
            return;
        }
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept == null
                || !(accept.contains(BatchFrames.MEDIA_TYPE) || accept.contains(MediaType.SERVER_SENT_EVENTS))) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON);
        }
    }
}
