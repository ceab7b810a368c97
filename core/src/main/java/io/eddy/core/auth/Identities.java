package io.eddy.core.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the principal behind a credential. Immutable and thread-safe.
 *
 * <p>A bearer token is hashed once and compared with every configured hash in constant time, without stopping
 * at a match, so the time taken does not tell which principal (or how much of a hash) matched. An IAM caller
 * gets the grants of every principal whose ARN pattern matches its ARN, so the answer does not depend on the
 * order of the configuration.
 */
public final class Identities {
    private final List<Identity> identities;

    public Identities(List<Identity> identities) {
        this.identities = List.copyOf(identities);
    }

    public List<Identity> all() {
        return identities;
    }

    public Optional<Principal> byToken(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        TokenHash presented = TokenHash.of(token);
        Principal found = null;
        for (Identity i : identities) {
            if (i.token().isPresent() && i.token().get().matches(presented) && found == null) {
                found = i.principal();
            }
        }
        return Optional.ofNullable(found);
    }

    public Optional<Principal> byIamArn(String arn) {
        if (arn == null || arn.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        List<Grant> grants = new ArrayList<>();
        for (Identity i : identities) {
            if (i.iamArn().isPresent() && i.iamArn().get().matches(arn)) {
                names.add(i.principal().name());
                grants.addAll(i.principal().grants());
            }
        }
        return names.isEmpty() ? Optional.empty() : Optional.of(new Principal(String.join("+", names), grants));
    }
}
