package io.eddy.client.http;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Adds {@code Authorization: Bearer <token>} to every request, for an Eddy server with token access control. The
 * token is never part of a message or {@link #toString()}. Thread-safe.
 */
public final class BearerTokenTransport implements HttpTransport {
    private final HttpTransport inner;
    private final String token;

    public BearerTokenTransport(HttpTransport inner, String token) {
        if (token == null || token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("a token is one or more visible ASCII characters");
        }
        this.inner = inner;
        this.token = token;
    }

    @Override
    public CompletableFuture<Response> send(Request request) {
        Map<String, List<String>> headers = new HashMap<>(request.headers());
        headers.keySet().removeIf(k -> k.equalsIgnoreCase("Authorization"));
        headers.put("Authorization", List.of("Bearer " + token));
        return inner.send(new Request(request.method(), request.uri(), headers, request.body()));
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return "BearerTokenTransport[" + inner + "]";
    }
}
