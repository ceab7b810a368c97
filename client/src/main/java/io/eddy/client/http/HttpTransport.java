package io.eddy.client.http;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one HTTP request and completes with its response; a connection failure completes exceptionally (with an
 * {@link java.io.IOException} as the cause). The one seam between the client and the network: {@link JdkHttpTransport}
 * in production, {@link SigV4Transport} around it for IAM-protected endpoints, and fault-injecting implementations
 * in tests. Implementations must be thread-safe.
 */
public interface HttpTransport extends AutoCloseable {

    CompletableFuture<Response> send(Request request);

    @Override
    default void close() {}

    /** A request: method, absolute URI, headers (name → values) and a body ({@code null} for none). */
    record Request(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        public Request {
            headers = Map.copyOf(headers);
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }
    }

    /** A response: status, headers (names lower case) and the whole body. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }
}
