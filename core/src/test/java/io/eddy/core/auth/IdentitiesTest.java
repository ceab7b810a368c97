package io.eddy.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdentitiesTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void aTokenFindsThePrincipalWhoseHashItHasAndNoOther() {
        String alice = TokenHash.newToken(random);
        String bob = TokenHash.newToken(random);
        Identities ids = new Identities(List.of(
                identity("alice", Optional.of(TokenHash.of(alice)), Optional.empty(), "produce:topic:a"),
                identity(
                        "bob",
                        Optional.of(TokenHash.parse(TokenHash.of(bob).hex())),
                        Optional.empty(),
                        "consume:topic:b")));

        assertThat(ids.byToken(alice)).map(Principal::name).contains("alice");
        assertThat(ids.byToken(bob)).map(Principal::name).contains("bob");
        assertThat(ids.byToken(alice + "x")).isEmpty();
        assertThat(ids.byToken("")).isEmpty();
        assertThat(ids.byToken(null)).isEmpty();
    }

    @Test
    void newTokensAreLongRandomAndTheHashIsSha256Hex() {
        String t = TokenHash.newToken(random);
        assertThat(t).startsWith("eddy_").hasSize(5 + 43).isNotEqualTo(TokenHash.newToken(random));
        // printf %s abc | sha256sum
        assertThat(TokenHash.of("abc").hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(TokenHash.of("abc").toString()).doesNotContain("ba7816");
    }

    @Test
    void anIamCallerGetsTheGrantsOfEveryPrincipalWhoseArnPatternMatches() {
        String role = "arn:aws:sts::123456789012:assumed-role/eddy-writer/session-1";
        Identities ids = new Identities(List.of(
                identity(
                        "writers",
                        Optional.empty(),
                        Optional.of(new NamePattern("arn:aws:sts::123456789012:assumed-role/eddy-writer/*")),
                        "produce:topic:orders"),
                identity(
                        "everyone",
                        Optional.empty(),
                        Optional.of(new NamePattern("arn:aws:sts::123456789012:*")),
                        "consume:topic:public-*"),
                identity(
                        "other",
                        Optional.empty(),
                        Optional.of(new NamePattern("arn:aws:iam::999999999999:user/x")),
                        "admin:cluster:*")));

        Principal p = ids.byIamArn(role).orElseThrow();
        assertThat(p.allows(Permission.topic(Operation.PRODUCE, "orders"))).isTrue();
        assertThat(p.allows(Permission.topic(Operation.CONSUME, "public-news"))).isTrue();
        assertThat(p.allows(Permission.cluster(Operation.ADMIN))).isFalse();
        assertThat(ids.byIamArn("arn:aws:iam::111111111111:user/nobody")).isEmpty();
        assertThat(ids.byIamArn(null)).isEmpty();
    }

    private static Identity identity(
            String name, Optional<TokenHash> token, Optional<NamePattern> arn, String... grants) {
        return new Identity(new Principal(name, Grant.parseAll(List.of(grants))), token, arn);
    }
}
