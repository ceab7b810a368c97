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
 * SaslHandshake, version 1 only: the client names its mechanism, and SaslAuthenticate requests carry the exchange.
 * PLAIN is the one mechanism; another is answered {@code UNSUPPORTED_SASL_MECHANISM} with the enabled list, and
 * the connection closed, as a Kafka broker does. A handshake out of turn is answered {@code ILLEGAL_SASL_STATE}:
 * a second one before SaslAuthenticate also closes the connection; one after authentication, or on a listener
 * without access control (a broker's PLAINTEXT listener), leaves it open.
 *
 * <p>Version 0 is not advertised: after it the client sends raw SASL tokens without Kafka framing, which only
 * clients older than Kafka 1.0 do (below the 2.1 baseline, whose Produce and Fetch versions are not answered
 * either). A v0 handshake is answered {@code UNSUPPORTED_VERSION} by the dispatcher. Thread-safe.
 */
final class SaslHandshakeHandler implements ApiHandler {
    static final short VERSION = 1;
    static final List<String> ENABLED = List.of(PlainAuthenticator.MECHANISM);

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SASL_HANDSHAKE;
    }

    @Override
    public short oldestVersion() {
        return VERSION;
    }

    @Override
    public short latestVersion() {
        return VERSION;
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        String mechanism = ((SaslHandshakeRequestData) request.body()).mechanism();
        return Uni.createFrom().item(answer(request.session(), mechanism));
    }

    private static SaslHandshakeResponseData answer(KafkaSession session, String mechanism) {
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
        session.handshaken(mechanism);
        return new SaslHandshakeResponseData().setErrorCode(Errors.NONE.code()).setMechanisms(ENABLED);
    }
}
