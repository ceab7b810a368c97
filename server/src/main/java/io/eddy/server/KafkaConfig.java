package io.eddy.server;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The server's Kafka protocol listener ({@code eddy.kafka.*}): where it binds, what it tells clients to connect to,
 * and its limits. The Kafka names in brackets are the broker settings each one stands for.
 */
@ConfigMapping(prefix = "eddy.kafka")
public interface KafkaConfig {
    /** Whether the server listens for Kafka clients at all. */
    @WithDefault("true")
    boolean enabled();

    /** The address to bind ({@code listeners}' host): 127.0.0.1 answers this machine only, 0.0.0.0 every interface. */
    @WithDefault("127.0.0.1")
    String host();

    /** The port to bind ({@code listeners}' port); 0 picks a free one, which the start-up line names. */
    @WithDefault("9092")
    int port();

    /**
     * The host clients are told to connect to ({@code advertised.listeners}): behind a load balancer, its name.
     * Absent: the bound host, or this machine's name when that is a wildcard address.
     */
    Optional<String> advertisedHost();

    /** The port clients are told to connect to; absent: the bound port. */
    Optional<Integer> advertisedPort();

    /** The largest request a client may send ({@code socket.request.max.bytes}); a larger one closes its connection. */
    @WithDefault("104857600")
    int maxRequestBytes();

    /** How long a connection may sit without reads or writes before it is closed ({@code connections.max.idle.ms}). */
    @WithDefault("10m")
    Duration idleTimeout();

    /**
     * How long a KIP-848 consumer group member stays in its group without heartbeating
     * ({@code group.consumer.session.timeout.ms}); then its partitions move to the others.
     */
    @WithDefault("45s")
    Duration consumerSessionTimeout();

    /**
     * How long the first rebalance of an empty classic group waits for more members before it assigns
     * ({@code group.initial.rebalance.delay.ms}), extended by each member that joins meanwhile up to the rebalance
     * timeout. 0 assigns to the first member at once, as Kafka's own development configuration does.
     */
    @WithDefault("3s")
    Duration groupInitialRebalanceDelay();

    /**
     * TLS on the listener ({@code ssl.keystore.*} in PEM form): clients connect with {@code SSL}, or
     * {@code SASL_SSL} when access control is on. Both files or neither.
     */
    Tls tls();

    interface Tls {
        /** The PEM certificate chain, the listener's own certificate first. */
        Optional<Path> certificateFile();

        /** The PEM private key of that certificate (PKCS#8, unencrypted). */
        Optional<Path> keyFile();
    }
}
