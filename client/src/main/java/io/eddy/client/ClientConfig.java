package io.eddy.client;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A client's settings, Kafka-style string keys ({@code linger.ms}, {@code group.id}…) over typed defaults. Unknown
 * keys and values of the wrong shape are refused when the client is made, not silently ignored. Immutable.
 *
 * <p>Common keys: {@code url} (default {@code http://127.0.0.1:8080}), {@code connect.timeout.ms} (5000),
 * {@code request.timeout.ms} (30000), {@code signing.region} (set it to sign every request with SigV4 using the
 * AWS default credentials chain), {@code signing.service} ({@code lambda}, for function URLs), {@code token} (a bearer token for a server
 * with {@code eddy.auth.mode=token}; never printed).
 */
public final class ClientConfig {
    static final Map<String, Object> COMMON = Map.of(
            "url", "http://127.0.0.1:8080",
            "connect.timeout.ms", 5_000L,
            "request.timeout.ms", 30_000L,
            "signing.region", "",
            "signing.service", "lambda",
            "token", "");

    private final Map<String, Object> values;

    ClientConfig(Map<String, ?> given, Map<String, Object> defaults) {
        Map<String, Object> all = new HashMap<>(COMMON);
        all.putAll(defaults);
        for (Map.Entry<String, ?> e : given.entrySet()) {
            if (!all.containsKey(e.getKey())) {
                throw new IllegalArgumentException(
                        "unknown setting '" + e.getKey() + "'; known: " + new TreeSet<>(all.keySet()));
            }
            Object def = all.get(e.getKey());
            all.put(e.getKey(), coerce(e.getKey(), e.getValue(), def));
        }
        this.values = all;
    }

    private static Object coerce(String key, Object v, Object def) {
        if (v == null) {
            return def;
        }
        String s = v.toString().trim();
        try {
            if (def instanceof Long) {
                long l = Long.parseLong(s);
                if (l < 0) {
                    throw new IllegalArgumentException(key + " must be ≥ 0, not " + l);
                }
                return l;
            }
            if (def instanceof Boolean) {
                if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException(key + " must be true or false, not '" + s + "'");
                }
                return Boolean.parseBoolean(s);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + s + "'", e);
        }
        return s;
    }

    public String string(String key) {
        return (String) require(key);
    }

    public long number(String key) {
        return (Long) require(key);
    }

    public int integer(String key) {
        return Math.toIntExact(number(key));
    }

    public boolean bool(String key) {
        return (Boolean) require(key);
    }

    public Duration millis(String key) {
        return Duration.ofMillis(number(key));
    }

    public URI url() {
        String u = string("url");
        return URI.create(u.endsWith("/") ? u : u + "/");
    }

    private Object require(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("no setting '" + key + "'");
        }
        return values.get(key);
    }
}
