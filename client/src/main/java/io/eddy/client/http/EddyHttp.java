package io.eddy.client.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.client.EddyClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Eddy's HTTP API as the client's classes use it: JSON calls, problem+json turned into
 * {@link EddyClientException}, connection failures into {@code unreachable}. Thread-safe.
 */
public final class EddyHttp implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String BATCHES = "application/vnd.eddy.batches";
    private final URI base;
    private final HttpTransport transport;

    public EddyHttp(URI base, HttpTransport transport) {
        this.base = base;
        this.transport = transport;
    }

    /**
     * The transport for a client's settings: the JDK's HTTP/1.1 client, signed with SigV4 (the AWS default
     * credentials chain) when a signing region is set.
     */
    public static HttpTransport transport(
            java.time.Duration connectTimeout,
            java.time.Duration requestTimeout,
            String signingRegion,
            String signingService) {
        HttpTransport jdk = new JdkHttpTransport(connectTimeout, requestTimeout);
        if (signingRegion == null || signingRegion.isBlank()) {
            return jdk;
        }
        return new SigV4Transport(jdk, DefaultCredentialsProvider.builder().build(), signingRegion, signingService);
    }

    /**
     * The transport for a client's settings: as {@link #transport(java.time.Duration, java.time.Duration, String, String)},
     * with {@code token} (when set) sent as {@code Authorization: Bearer}. A token and SigV4 signing both use the
     * {@code Authorization} header, so they cannot be combined.
     */
    public static HttpTransport transport(io.eddy.client.ClientConfig c) {
        String token = c.string("token");
        String region = c.string("signing.region");
        if (!token.isEmpty() && !region.isBlank()) {
            throw new IllegalArgumentException(
                    "token and signing.region cannot both be set: both use the Authorization header");
        }
        HttpTransport t = transport(
                c.millis("connect.timeout.ms"), c.millis("request.timeout.ms"), region, c.string("signing.service"));
        return token.isEmpty() ? t : new BearerTokenTransport(t, token);
    }

    public URI base() {
        return base;
    }

    /** A path segment percent-encoded (everything but unreserved characters). */
    public static String segment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Sends a request to {@code path} (relative to the base URL); fails only for a connection failure. */
    public CompletableFuture<HttpTransport.Response> send(
            String method, String path, String contentType, byte[] body, Map<String, String> headers) {
        Map<String, List<String>> h = new HashMap<>();
        if (contentType != null) {
            h.put("Content-Type", List.of(contentType));
        }
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        HttpTransport.Request request = new HttpTransport.Request(method, base.resolve(path), h, body);
        CompletableFuture<HttpTransport.Response> sent;
        try {
            sent = transport.send(request);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((r, e) -> {
            if (e != null) {
                throw failure(e, request);
            }
            return r;
        });
    }

    /** A JSON call: the parsed body of a 2xx answer ({@code null} when empty), else the problem as an exception. */
    public CompletableFuture<JsonNode> json(String method, String path, JsonNode body) {
        byte[] bytes = null;
        if (body != null) {
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return send(method, path, body == null ? null : "application/json", bytes, Map.of("Accept", "application/json"))
                .thenApply(EddyHttp::jsonOrThrow);
    }

    public static JsonNode jsonOrThrow(HttpTransport.Response r) {
        if (r.status() / 100 != 2) {
            throw problem(r);
        }
        if (r.body().length == 0) {
            return null;
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw EddyClientException.client(
                    EddyClientException.BAD_RESPONSE,
                    "the server answered " + r.status() + " with a body that is not JSON",
                    e);
        }
    }

    /** The problem a non-2xx answer carries (or one made up from its status when it is not problem+json). */
    public static EddyClientException problem(HttpTransport.Response r) {
        JsonNode body = null;
        try {
            body = r.body().length == 0 ? null : JSON.readTree(r.body());
        } catch (IOException notJson) {
            body = null;
        }
        if (body != null && body.hasNonNull("code")) {
            String detail = body.path("detail").asText(body.path("title").asText("HTTP " + r.status()));
            return new EddyClientException(
                    body.get("code").asText(),
                    r.status(),
                    body.path("retryable").asBoolean(false),
                    detail,
                    body,
                    null);
        }
        boolean retryable = r.status() == 429 || r.status() == 502 || r.status() == 503 || r.status() == 504;
        return new EddyClientException(
                "http_" + r.status(), r.status(), retryable, "the server answered HTTP " + r.status(), body, null);
    }

    /** A transport failure as an exception with a code: {@code unreachable}, {@code timeout} or the original. */
    public static EddyClientException failure(Throwable e, HttpTransport.Request request) {
        Throwable cause = unwrap(e);
        if (cause instanceof EddyClientException ece) {
            return ece;
        }
        String where = request.method() + " " + request.uri();
        if (cause instanceof HttpTimeoutException) {
            return new EddyClientException(
                    EddyClientException.TIMEOUT, 0, true, "no answer in time to " + where, null, cause);
        }
        if (cause instanceof ConnectException || cause instanceof IOException) {
            String uri = request.uri().getScheme() + "://" + request.uri().getAuthority();
            return new EddyClientException(
                    EddyClientException.UNREACHABLE,
                    0,
                    true,
                    "cannot reach Eddy at " + uri + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                    null,
                    cause);
        }
        return new EddyClientException("client_error", 0, false, cause.toString(), null, cause);
    }

    public static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Waits for a call, rethrowing its failure as it is ({@link EddyClientException} mostly). */
    public static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw EddyClientException.client(EddyClientException.CLOSED, "interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new EddyClientException("client_error", 0, false, cause.toString(), null, cause);
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
