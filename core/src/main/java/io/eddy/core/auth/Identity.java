package io.eddy.core.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * A configured principal and how it proves who it is: a bearer token (by its hash) and/or an IAM principal
 * ARN pattern (on AWS, where the function URL's IAM authorisation has already checked the signature).
 */
public record Identity(Principal principal, Optional<TokenHash> token, Optional<NamePattern> iamArn) {
    public Identity {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(iamArn, "iamArn");
    }
}
