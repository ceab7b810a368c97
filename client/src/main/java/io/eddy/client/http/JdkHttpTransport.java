package io.eddy.client.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@link HttpTransport} over the JDK's {@link HttpClient}, HTTP/1.1 with keep-alive (the JDK pools connections
 * per host). Thread-safe.
 */
public final class JdkHttpTransport implements HttpTransport {
    /** Headers the JDK client sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final HttpClient client;
    private final Duration requestTimeout;

    public JdkHttpTransport(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
        this.requestTimeout = requestTimeout;
    }

    @Override
    public CompletableFuture<Response> send(Request request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(requestTimeout);
        request.headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
            }
        });
        HttpRequest.BodyPublisher body = request.body() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        b.method(request.method(), body);
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> {
                    Map<String, List<String>> headers = new HashMap<>();
                    r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
                    return new Response(r.statusCode(), headers, r.body());
                });
    }
}
