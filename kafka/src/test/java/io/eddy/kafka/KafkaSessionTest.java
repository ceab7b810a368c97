package io.eddy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.auth.Principal;
import io.eddy.kafka.KafkaSession.Admission;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a connection may ask in each SASL state: a Kafka broker's SASL and PLAINTEXT listeners' rules. */
class KafkaSessionTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40_000);
    private static final Principal ALICE = new Principal("alice", List.of());

    static Stream<Arguments> admissions() {
        Supplier<KafkaSession> open = () -> KafkaSession.open(REMOTE);
        Supplier<KafkaSession> awaitingHandshake = () -> KafkaSession.unauthenticated(REMOTE);
        Supplier<KafkaSession> awaitingAuthenticate = () -> {
            KafkaSession s = KafkaSession.unauthenticated(REMOTE);
            s.handshaken("PLAIN", true);
            return s;
        };
        Supplier<KafkaSession> authenticated = () -> {
            KafkaSession s = awaitingAuthenticate.get();
            s.authenticatedAs(ALICE);
            return s;
        };
        Supplier<KafkaSession> failed = () -> {
            KafkaSession s = KafkaSession.unauthenticated(REMOTE);
            s.failed("test");
            return s;
        };
        return Stream.of(
                Arguments.of("open", open, ApiKeys.METADATA, Admission.ANSWER),
                Arguments.of("open", open, ApiKeys.SASL_HANDSHAKE, Admission.ANSWER),
                Arguments.of("awaiting handshake", awaitingHandshake, ApiKeys.API_VERSIONS, Admission.ANSWER),
                Arguments.of("awaiting handshake", awaitingHandshake, ApiKeys.SASL_HANDSHAKE, Admission.ANSWER),
                Arguments.of("awaiting handshake", awaitingHandshake, ApiKeys.SASL_AUTHENTICATE, Admission.ANSWER),
                Arguments.of("awaiting handshake", awaitingHandshake, ApiKeys.METADATA, Admission.CLOSE),
                Arguments.of("awaiting handshake", awaitingHandshake, ApiKeys.PRODUCE, Admission.CLOSE),
                Arguments.of(
                        "awaiting authenticate", awaitingAuthenticate, ApiKeys.SASL_AUTHENTICATE, Admission.ANSWER),
                Arguments.of("awaiting authenticate", awaitingAuthenticate, ApiKeys.SASL_HANDSHAKE, Admission.ANSWER),
                Arguments.of(
                        "awaiting authenticate",
                        awaitingAuthenticate,
                        ApiKeys.API_VERSIONS,
                        Admission.REFUSE_AND_CLOSE),
                Arguments.of(
                        "awaiting authenticate", awaitingAuthenticate, ApiKeys.METADATA, Admission.REFUSE_AND_CLOSE),
                Arguments.of("authenticated", authenticated, ApiKeys.METADATA, Admission.ANSWER),
                Arguments.of("authenticated", authenticated, ApiKeys.SASL_HANDSHAKE, Admission.ANSWER),
                Arguments.of("failed", failed, ApiKeys.API_VERSIONS, Admission.CLOSE),
                Arguments.of("failed", failed, ApiKeys.SASL_AUTHENTICATE, Admission.CLOSE));
    }

    @ParameterizedTest(name = "{0}: {2} → {3}")
    @MethodSource("admissions")
    void eachStateAdmitsWhatAKafkaBrokerAdmits(
            String state, Supplier<KafkaSession> session, ApiKeys apiKey, Admission expected) {
        assertThat(session.get().admit(apiKey)).isEqualTo(expected);
    }

    @Test
    void theConnectionActsAsOpenWithAccessControlOffAndAsNoOneUntilAuthenticated() {
        KafkaSession open = KafkaSession.open(REMOTE);
        KafkaSession secured = KafkaSession.unauthenticated(REMOTE);

        assertThat(open.principal()).isEqualTo(Principal.OPEN);
        assertThatThrownBy(secured::principal).isInstanceOf(IllegalStateException.class);
        secured.handshaken("PLAIN", true);
        assertThatThrownBy(secured::principal).isInstanceOf(IllegalStateException.class);
        secured.authenticatedAs(ALICE);
        assertThat(secured.principal()).isEqualTo(ALICE);
        assertThat(secured.failure()).isEmpty();
    }

    @Test
    void onlyAVersionZeroHandshakeMakesTheNextFrameARawToken() {
        KafkaSession framed = KafkaSession.unauthenticated(REMOTE);
        KafkaSession unframed = KafkaSession.unauthenticated(REMOTE);

        framed.handshaken("PLAIN", true);
        unframed.handshaken("PLAIN", false);

        assertThat(framed.awaitsUnframedToken()).isFalse();
        assertThat(unframed.awaitsUnframedToken()).isTrue();
        unframed.authenticatedAs(ALICE);
        assertThat(unframed.awaitsUnframedToken()).isFalse();
    }

    @Test
    void onlyAConnectionAwaitingAuthenticationAuthenticates() {
        KafkaSession authenticated = KafkaSession.unauthenticated(REMOTE);
        authenticated.authenticatedAs(ALICE);
        KafkaSession failed = KafkaSession.unauthenticated(REMOTE);
        failed.failed("test");

        assertThatThrownBy(() -> authenticated.authenticatedAs(ALICE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> failed.authenticatedAs(ALICE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KafkaSession.open(REMOTE).authenticatedAs(ALICE))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KafkaSession.open(REMOTE).handshaken("PLAIN", true))
                .isInstanceOf(IllegalStateException.class);
    }
}
