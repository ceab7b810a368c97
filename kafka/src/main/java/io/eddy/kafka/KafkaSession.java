package io.eddy.kafka;

import io.eddy.core.auth.Principal;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * One client connection's state as the handlers see it: where it comes from, where it is in SASL authentication
 * and who it is. With access control off every connection is {@link Principal#OPEN} from the start
 * ({@link NotRequired}); with it on, a connection is no one until SASL authenticates it, through the lifecycle of
 * a Kafka broker's SASL listener: {@link AwaitingHandshake} → {@link AwaitingAuthenticate} →
 * {@link Authenticated}, or {@link Failed}, after which the connection is closed once its last answer is written.
 * One instance per connection; transitions are atomic, and the state may be read from any thread.
 */
public final class KafkaSession {
    private final SocketAddress remote;
    private final AtomicReference<SaslState> state;

    private KafkaSession(SocketAddress remote, SaslState initial) {
        this.remote = remote;
        this.state = new AtomicReference<>(initial);
    }

    /** Where a connection is in SASL authentication. */
    public sealed interface SaslState
            permits NotRequired, AwaitingHandshake, AwaitingAuthenticate, Authenticated, Failed {}

    /** Access control is off: the connection acts as {@link Principal#OPEN}, and the SASL APIs are refused. */
    public record NotRequired() implements SaslState {}

    /** Access control is on and nothing but ApiVersions and SaslHandshake has been asked yet. */
    public record AwaitingHandshake() implements SaslState {}

    /**
     * SaslHandshake chose {@code mechanism}: the next request must be SaslAuthenticate ({@code framed}, after a
     * handshake v1), or the next frame is the raw SASL token itself (after a handshake v0).
     */
    public record AwaitingAuthenticate(String mechanism, boolean framed) implements SaslState {}

    /** SASL authenticated the connection as {@code principal}. */
    public record Authenticated(Principal principal) implements SaslState {}

    /**
     * Authentication failed or the client broke the SASL sequence: the connection is closed once the answer that
     * says so is written, and nothing more is answered.
     *
     * @param reason why, for the log line; never a credential
     */
    public record Failed(String reason) implements SaslState {}

    /** What the dispatcher does with a request, given the connection's SASL state (see {@link #admit}). */
    public enum Admission {
        /** Hand it to its API's handler. */
        ANSWER,
        /** Answer the API's error response with {@code ILLEGAL_SASL_STATE}, then close the connection. */
        REFUSE_AND_CLOSE,
        /** Close the connection without answering. */
        CLOSE
    }

    /** A connection to a listener with access control off: it acts as {@link Principal#OPEN}. */
    public static KafkaSession open(SocketAddress remote) {
        return new KafkaSession(remote, new NotRequired());
    }

    /** A connection that must authenticate (SASL) before anything but ApiVersions and the SASL APIs. */
    public static KafkaSession unauthenticated(SocketAddress remote) {
        return new KafkaSession(remote, new AwaitingHandshake());
    }

    public SocketAddress remote() {
        return remote;
    }

    public SaslState state() {
        return state.get();
    }

    /** Whether requests other than ApiVersions and SASL's may be answered: access control off, or authenticated. */
    public boolean authenticated() {
        SaslState s = state.get();
        return s instanceof NotRequired || s instanceof Authenticated;
    }

    public boolean authenticationRequired() {
        return !(state.get() instanceof NotRequired);
    }

    /**
     * Who this connection acts as.
     *
     * @throws IllegalStateException before it has authenticated
     */
    public Principal principal() {
        SaslState s = state.get();
        if (s instanceof NotRequired) {
            return Principal.OPEN;
        }
        if (s instanceof Authenticated authenticated) {
            return authenticated.principal();
        }
        throw new IllegalStateException("the connection from " + remote + " has not authenticated");
    }

    /** Why the connection is to be closed once its last answer is written, when it is. */
    public Optional<String> failure() {
        return state.get() instanceof Failed failed ? Optional.of(failed.reason()) : Optional.empty();
    }

    /**
     * What may be done with a request of {@code apiKey} now, as a Kafka broker's SASL listener decides: before
     * the handshake only ApiVersions and the SASL APIs (anything else closes the connection unanswered); after it
     * only SaslAuthenticate (anything else is answered {@code ILLEGAL_SASL_STATE} and the connection closed); once
     * authenticated, or with access control off, everything; once failed, nothing. The SASL APIs are always
     * handed to their handlers, which answer an out-of-order call themselves.
     */
    public Admission admit(ApiKeys apiKey) {
        boolean sasl = apiKey == ApiKeys.SASL_HANDSHAKE || apiKey == ApiKeys.SASL_AUTHENTICATE;
        SaslState s = state.get();
        if (s instanceof NotRequired || s instanceof Authenticated) {
            return Admission.ANSWER;
        }
        if (s instanceof AwaitingHandshake) {
            return sasl || apiKey == ApiKeys.API_VERSIONS ? Admission.ANSWER : Admission.CLOSE;
        }
        if (s instanceof AwaitingAuthenticate) {
            return sasl ? Admission.ANSWER : Admission.REFUSE_AND_CLOSE;
        }
        return Admission.CLOSE;
    }

    /** Whether the next frame is a raw SASL token, not a Kafka request (after a SaslHandshake v0). */
    public boolean awaitsUnframedToken() {
        return state.get() instanceof AwaitingAuthenticate awaiting && !awaiting.framed();
    }

    /**
     * SaslHandshake chose {@code mechanism}; {@code framed} when the token will come in SaslAuthenticate.
     *
     * @throws IllegalStateException unless the connection was awaiting the handshake
     */
    public void handshaken(String mechanism, boolean framed) {
        move(AwaitingHandshake.class, new AwaitingAuthenticate(mechanism, framed));
    }

    /**
     * SASL authenticated the connection as {@code authenticated}. Allowed from either awaiting state: the SASL
     * handlers call it only after SaslAuthenticate, and a handler's test may authenticate a session directly.
     *
     * @throws IllegalStateException unless the connection was awaiting authentication
     */
    public void authenticatedAs(Principal authenticated) {
        SaslState current = state.get();
        boolean awaiting = current instanceof AwaitingHandshake || current instanceof AwaitingAuthenticate;
        if (!awaiting || !state.compareAndSet(current, new Authenticated(authenticated))) {
            throw new IllegalStateException(
                    "the connection from " + remote + " is " + current + ": it cannot authenticate now");
        }
    }

    /** Ends the session: the connection closes once its current answer is written. */
    public void failed(String reason) {
        state.set(new Failed(reason));
    }

    private void move(Class<? extends SaslState> from, SaslState to) {
        SaslState current = state.get();
        if (!from.isInstance(current) || !state.compareAndSet(current, to)) {
            throw new IllegalStateException("the connection from " + remote + " is " + current + ", not "
                    + from.getSimpleName() + ": cannot move to " + to);
        }
    }
}
