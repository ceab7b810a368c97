package io.eddy.kafka;

import java.util.Optional;

/**
 * SASL authentication with a token that is not framed as a Kafka request: what a client sends after a
 * SaslHandshake v0 (each token size-prefixed, as a request is, but without a request header). The dispatcher
 * hands such a frame to the SaslAuthenticate handler through this. Implementations are thread-safe.
 */
public interface UnframedSaslAuthenticator {
    /**
     * The server's token to send back (size-prefixed, without a response header), or empty when the token is
     * refused: the session is then {@link KafkaSession.Failed} and the connection is closed unanswered, as a
     * Kafka broker does (the unframed exchange has no way to carry an error).
     */
    Optional<byte[]> authenticateUnframed(byte[] token, KafkaSession session);
}
