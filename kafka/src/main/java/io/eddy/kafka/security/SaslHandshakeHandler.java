package io.eddy.kafka.security;

import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.List;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * SaslHandshake, every version: the client names its mechanism; after version 1 SaslAuthenticate requests carry
 * the exchange, after version 0 the next frame is the raw token (see {@link SaslAuthenticateHandler}).
 * PLAIN is the one mechanism; another is answered {@code UNSUPPORTED_SASL_MECHANISM} with the enabled list, and
 * the connection closed, as a Kafka broker does. A handshake out of turn is answered {@code ILLEGAL_SASL_STATE}:
 * a second one before SaslAuthenticate also closes the connection; one after authentication, or on a listener
 * without access control (a broker's PLAINTEXT listener), leaves it open.
 *
 * <p>Version 0 is answered although only clients older than Kafka 1.0 authenticate with it: librdkafka decides
 * that a broker has SASL handshakes at all from version 0 being advertised, and refuses PLAIN otherwise.
 * Thread-safe.
 */
final class SaslHandshakeHandler implements ApiHandler {
    /** The first version whose token comes in SaslAuthenticate. */
    static final short FRAMED_VERSION = 1;

    static final List<String> ENABLED = List.of(PlainAuthenticator.MECHANISM);

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SASL_HANDSHAKE;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.SASL_HANDSHAKE.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.SASL_HANDSHAKE.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        String mechanism = ((SaslHandshakeRequestData) request.body()).mechanism();
        boolean framed = request.apiVersion() >= FRAMED_VERSION;
        return Uni.createFrom().item(answer(request.session(), mechanism, framed));
    }

    private static SaslHandshakeResponseData answer(KafkaSession session, String mechanism, boolean framed) {
        KafkaSession.SaslState state = session.state();
        if (!(state instanceof KafkaSession.AwaitingHandshake)) {
            if (state instanceof KafkaSession.AwaitingAuthenticate) {
                session.failed("a second SaslHandshake before SaslAuthenticate");
            }
            return new SaslHandshakeResponseData().setErrorCode(Errors.ILLEGAL_SASL_STATE.code());
        }
        if (!ENABLED.contains(mechanism)) {
            session.failed("unsupported SASL mechanism '" + mechanism + "'; enabled: " + ENABLED);
            return new SaslHandshakeResponseData()
                    .setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code())
                    .setMechanisms(ENABLED);
        }
        session.handshaken(mechanism, framed);
        return new SaslHandshakeResponseData().setErrorCode(Errors.NONE.code()).setMechanisms(ENABLED);
    }
}
