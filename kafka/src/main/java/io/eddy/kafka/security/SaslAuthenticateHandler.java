package io.eddy.kafka.security;

import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaSession;
import io.eddy.kafka.UnframedSaslAuthenticator;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * SaslAuthenticate, every version: after a PLAIN handshake, one request carries the credentials. Success records
 * the principal on the connection, with a session lifetime of 0 (no re-authentication: KIP-368's is not
 * offered). Failure answers {@code SASL_AUTHENTICATION_FAILED} with Kafka's message and closes the connection,
 * as a Kafka broker does. Out of turn (before the handshake: answered {@code ILLEGAL_SASL_STATE} and closed;
 * after authentication or with access control off: answered {@code ILLEGAL_SASL_STATE}). The check is a hash
 * over the configured principals, done on the calling thread: the state changes before the connection's next
 * request is read. After a SaslHandshake v0 the token comes unframed: accepted, it is answered with an empty
 * token; refused, the connection is closed unanswered, as Kafka does. Thread-safe.
 */
final class SaslAuthenticateHandler implements ApiHandler, UnframedSaslAuthenticator {
    static final long SESSION_LIFETIME_MS = 0;

    private final PlainAuthenticator plain;

    SaslAuthenticateHandler(PlainAuthenticator plain) {
        this.plain = plain;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SASL_AUTHENTICATE;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.SASL_AUTHENTICATE.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.SASL_AUTHENTICATE.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        byte[] auth = ((SaslAuthenticateRequestData) request.body()).authBytes();
        return Uni.createFrom().item(answer(request.session(), auth));
    }

    private SaslAuthenticateResponseData answer(KafkaSession session, byte[] auth) {
        KafkaSession.SaslState state = session.state();
        if (state instanceof KafkaSession.NotRequired) {
            return illegal("SaslAuthenticate on a listener without SASL: access control is off");
        }
        if (state instanceof KafkaSession.Authenticated) {
            return illegal("SaslAuthenticate request received after successful authentication");
        }
        if (!(state instanceof KafkaSession.AwaitingAuthenticate)) {
            String reason = "SaslAuthenticate before SaslHandshake";
            session.failed(reason);
            return illegal(reason);
        }
        PlainAuthenticator.Outcome outcome = plain.authenticate(auth);
        if (outcome instanceof PlainAuthenticator.Accepted accepted) {
            session.authenticatedAs(accepted.principal());
            return new SaslAuthenticateResponseData()
                    .setErrorCode(Errors.NONE.code())
                    .setAuthBytes(new byte[0])
                    .setSessionLifetimeMs(SESSION_LIFETIME_MS);
        }
        String message = ((PlainAuthenticator.Refused) outcome).message();
        session.failed("failed SASL/PLAIN authentication (" + message + ")");
        return new SaslAuthenticateResponseData()
                .setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code())
                .setErrorMessage(message)
                .setAuthBytes(new byte[0]);
    }

    @Override
    public Optional<byte[]> authenticateUnframed(byte[] token, KafkaSession session) {
        PlainAuthenticator.Outcome outcome = plain.authenticate(token);
        if (outcome instanceof PlainAuthenticator.Accepted accepted) {
            session.authenticatedAs(accepted.principal());
            return Optional.of(new byte[0]);
        }
        session.failed("failed SASL/PLAIN authentication (" + ((PlainAuthenticator.Refused) outcome).message() + ")");
        return Optional.empty();
    }

    private static SaslAuthenticateResponseData illegal(String message) {
        return new SaslAuthenticateResponseData()
                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                .setErrorMessage(message)
                .setAuthBytes(new byte[0]);
    }
}
