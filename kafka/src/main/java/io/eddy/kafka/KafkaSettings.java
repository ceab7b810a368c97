package io.eddy.kafka;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link KafkaListener} listens: where it binds, what it tells clients to connect to, and its limits.
 *
 * @param host            the address to bind
 * @param port            the port to bind; 0 picks a free one ({@link KafkaListener#boundPort()})
 * @param advertisedHost  the host clients are told to connect to (Metadata's broker)
 * @param advertisedPort  the port clients are told to connect to; 0 means the bound port
 * @param maxRequestBytes the largest request a client may send, as Kafka's {@code socket.request.max.bytes}
 * @param idleTimeout     how long a connection may go without reads or writes before it is closed, as Kafka's
 *                        {@code connections.max.idle.ms}
 * @param tls             TLS on the listener, when configured; plain TCP otherwise
 */
public record KafkaSettings(
        String host,
        int port,
        String advertisedHost,
        int advertisedPort,
        int maxRequestBytes,
        Duration idleTimeout,
        Optional<KafkaTls> tls) {
    /** Kafka's default {@code socket.request.max.bytes}: 100 MiB. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 100 << 20;
    /** Kafka's default {@code connections.max.idle.ms}: 10 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    public KafkaSettings {
        if (host == null || host.isBlank() || advertisedHost == null || advertisedHost.isBlank()) {
            throw new IllegalArgumentException("host and advertised host are required");
        }
        if (port < 0 || port > 65_535 || advertisedPort < 0 || advertisedPort > 65_535) {
            throw new IllegalArgumentException("ports must be between 0 and 65535: " + port + ", " + advertisedPort);
        }
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        Objects.requireNonNull(tls, "tls");
    }

    /** Binds and advertises {@code host:port}, with Kafka's default limits. */
    public static KafkaSettings of(String host, int port) {
        return new KafkaSettings(
                host, port, host, port, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_IDLE_TIMEOUT, Optional.empty());
    }

    public KafkaSettings withMaxRequestBytes(int bytes) {
        return new KafkaSettings(host, port, advertisedHost, advertisedPort, bytes, idleTimeout, tls);
    }

    public KafkaSettings withIdleTimeout(Duration timeout) {
        return new KafkaSettings(host, port, advertisedHost, advertisedPort, maxRequestBytes, timeout, tls);
    }

    public KafkaSettings withAdvertised(String host, int port) {
        return new KafkaSettings(this.host, this.port, host, port, maxRequestBytes, idleTimeout, tls);
    }

    /** TLS on the listener, from PEM files. */
    public KafkaSettings withTls(KafkaTls tls) {
        return new KafkaSettings(
                host, port, advertisedHost, advertisedPort, maxRequestBytes, idleTimeout, Optional.of(tls));
    }
}
