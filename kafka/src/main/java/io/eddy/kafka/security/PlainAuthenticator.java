package io.eddy.kafka.security;

import io.eddy.core.auth.Identities;
import io.eddy.core.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * SASL PLAIN (RFC 4616) over core's identities: the client's message is {@code [authzid] NUL authcid NUL passwd};
 * the user (authcid) is a principal's name and the password its token. The token must be a principal's, that
 * principal's name must be the user, and the authorization id, when given, must be the user too (Eddy has no
 * impersonation). Refusals say what Kafka's PLAIN server says, never which part of a credential was wrong.
 * Immutable and thread-safe.
 */
public final class PlainAuthenticator {
    /** The mechanism's name in SaslHandshake. */
    public static final String MECHANISM = "PLAIN";

    static final String INVALID_CREDENTIALS = "Authentication failed: Invalid username or password";

    private static final char NUL = '\u0000';
    private static final int PARTS = 3; // authzid, authcid, passwd

    private final Optional<Identities> identities;

    /** @param identities the principals; empty when access control is off, when nothing authenticates */
    public PlainAuthenticator(Optional<Identities> identities) {
        this.identities = identities;
    }

    /** What one PLAIN message proves. */
    public sealed interface Outcome permits Accepted, Refused {}

    /** The message is the credentials of {@code principal}. */
    public record Accepted(Principal principal) implements Outcome {}

    /** The message proves nothing: {@code message} says why, as a Kafka broker would tell the client. */
    public record Refused(String message) implements Outcome {}

    public Outcome authenticate(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        String[] parts = text.split(String.valueOf(NUL), PARTS + 1); // bounded: a fourth part is enough to refuse
        if (parts.length != PARTS) {
            return new Refused("Invalid SASL/PLAIN response: expected 3 tokens, got "
                    + (parts.length > PARTS ? "more" : parts.length));
        }
        String authzid = parts[0];
        String user = parts[1];
        String password = parts[2];
        if (user.isEmpty()) {
            return new Refused("Authentication failed: username not specified");
        }
        if (password.isEmpty()) {
            return new Refused("Authentication failed: password not specified");
        }
        Optional<Principal> principal = identities
                .flatMap(ids -> ids.byToken(password))
                .filter(p -> p.name().equals(user));
        if (principal.isEmpty()) {
            return new Refused(INVALID_CREDENTIALS);
        }
        if (!authzid.isEmpty() && !authzid.equals(user)) {
            return new Refused(
                    "Authentication failed: Client requested an authorization id that is different from username");
        }
        return new Accepted(principal.get());
    }
}
