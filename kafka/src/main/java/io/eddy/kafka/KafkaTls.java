package io.eddy.kafka;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * TLS for the Kafka listener, from PEM files as Quarkus' {@code quarkus.http.ssl.certificate.files} and
 * {@code key-files} take them: the server's certificate chain (leaf first) and its unencrypted PKCS#8 private
 * key. Clients then connect with {@code security.protocol=SSL}, or {@code SASL_SSL} when access control is on.
 * No client certificates are asked for. Immutable.
 *
 * @param certificateChain the PEM file of the certificate chain
 * @param privateKey       the PEM file of the private key ({@code -----BEGIN PRIVATE KEY-----})
 */
public record KafkaTls(Path certificateChain, Path privateKey) {
    public KafkaTls {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /**
     * Reads the files into the server side of TLS, once, when the listener starts.
     *
     * @throws IllegalArgumentException when a file is missing or does not hold what it should
     */
    public SslContext serverContext() {
        for (Path file : new Path[] {certificateChain, privateKey}) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("Kafka listener TLS: cannot read " + file);
            }
        }
        try {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Kafka listener TLS: " + certificateChain + " and " + privateKey
                            + " are not a PEM certificate chain and its PKCS#8 private key: " + e.getMessage(),
                    e);
        }
    }
}
