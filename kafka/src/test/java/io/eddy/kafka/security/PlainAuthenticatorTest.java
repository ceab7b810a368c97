package io.eddy.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.kafka.security.PlainAuthenticator.Accepted;
import io.eddy.kafka.security.PlainAuthenticator.Outcome;
import io.eddy.kafka.security.PlainAuthenticator.Refused;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SASL PLAIN's message (RFC 4616) against the configured principals: what is accepted, and what is said. */
class PlainAuthenticatorTest {
    private static final PlainAuthenticator PLAIN = new PlainAuthenticator(Optional.of(Principals.identities()));
    private static final String INVALID = "Authentication failed: Invalid username or password";

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("\0alice\0" + Principals.ALICE_TOKEN, "alice"),
                Arguments.of("alice\0alice\0" + Principals.ALICE_TOKEN, "alice"),
                Arguments.of("\0bob\0" + Principals.BOB_TOKEN, "bob"),
                Arguments.of("\0alice\0wrong", INVALID),
                Arguments.of("\0alice\0" + Principals.BOB_TOKEN, INVALID),
                Arguments.of("\0carol\0" + Principals.ALICE_TOKEN, INVALID),
                Arguments.of("\0Alice\0" + Principals.ALICE_TOKEN, INVALID),
                Arguments.of(
                        "bob\0alice\0" + Principals.ALICE_TOKEN,
                        "Authentication failed: Client requested an authorization id that is different from username"),
                Arguments.of("\0\0" + Principals.ALICE_TOKEN, "Authentication failed: username not specified"),
                Arguments.of("\0alice\0", "Authentication failed: password not specified"),
                Arguments.of("alice" + Principals.ALICE_TOKEN, "Invalid SASL/PLAIN response: expected 3 tokens, got 1"),
                Arguments.of("\0alice", "Invalid SASL/PLAIN response: expected 3 tokens, got 2"),
                Arguments.of(
                        "\0alice\0" + Principals.ALICE_TOKEN + "\0",
                        "Invalid SASL/PLAIN response: expected 3 tokens, got more"),
                Arguments.of("", "Invalid SASL/PLAIN response: expected 3 tokens, got 1"));
    }

    /** {@code expected} is the principal's name when accepted, the message to the client when refused. */
    @ParameterizedTest
    @MethodSource("messages")
    void theMessageIsAcceptedAsItsPrincipalOrRefusedWithKafkasMessage(String message, String expected) {
        Outcome outcome = PLAIN.authenticate(message.getBytes(StandardCharsets.UTF_8));

        if (outcome instanceof Accepted accepted) {
            assertThat(accepted.principal().name()).isEqualTo(expected);
        } else {
            assertThat(((Refused) outcome).message()).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("messages")
    void withoutIdentitiesNothingIsAccepted(String message, String expected) {
        Outcome outcome =
                new PlainAuthenticator(Optional.empty()).authenticate(message.getBytes(StandardCharsets.UTF_8));

        assertThat(outcome).isInstanceOf(Refused.class);
    }
}
