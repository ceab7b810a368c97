package io.eddy.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON-over-HTTP client for the ITs: the server as a user's program sees it. Thread-safe. */
public final class Http {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;
    private final URI base;

    public Http(URI base) {
        this(base, HttpClient.Version.HTTP_2);
    }

    /** With HTTP/1.1 only: an oversized request line or header is then a 414 or 431, not an HTTP/2 GOAWAY. */
    public Http(URI base, HttpClient.Version version) {
        this.base = base;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(version)
                .build();
    }

    public record Reply(int status, String contentType, JsonNode body, String raw, HttpHeaders headers) {
        public String code() {
            return body == null ? null : body.path("code").asText(null);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** A GET with headers given as name, value, name, value… */
    public Reply get(String path, String... headers) {
        return send(HttpRequest.newBuilder(base.resolve(path)).headers(headers).GET());
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    public Reply put(String path, String json) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply post(String path, String json) {
        return post(path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Reply post(String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return send(headers.length == 0 ? request : request.headers(headers));
    }

    /**
     * Any method, headers (name, value pairs) and body, for a fuzzer: the path and query pass through as given;
     * {@code chunked} sends the body without a Content-Length.
     *
     * @throws IllegalArgumentException when the JDK's client refuses a header or the URI
     */
    public Reply send(String method, String path, java.util.List<String> headers, byte[] body, boolean chunked) {
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(base.toString().replaceAll("/$", "") + path))
                .method(method, publisher);
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        return send(request);
    }

    /** Any method with headers given as name, value, name, value… ({@code body} null for none). */
    public Reply send(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(headers.length == 0 ? request : request.headers(headers));
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r =
                    client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (!r.body().isEmpty()) {
                try {
                    body = JSON.readTree(r.body());
                } catch (IOException notJson) {
                    body = null;
                }
            }
            return new Reply(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body, r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
