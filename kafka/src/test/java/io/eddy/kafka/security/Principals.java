package io.eddy.kafka.security;

import io.eddy.core.auth.Grant;
import io.eddy.core.auth.Identities;
import io.eddy.core.auth.Identity;
import io.eddy.core.auth.Principal;
import io.eddy.core.auth.TokenHash;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The principals of the security tests, built as runtime's access control builds them from configuration (a name,
 * its token's SHA-256, its grants). alice produces and consumes {@code orders} in group {@code billing} and
 * administers the topics {@code alice-*}; bob only consumes {@code payments}; carol only produces to
 * {@code orders} (so she sees it, but may not read it) and consumes in groups {@code carol-*}.
 */
final class Principals {
    static final String ALICE = "alice";
    static final String ALICE_TOKEN = "eddy_alice-token-for-tests-only";
    static final String BOB = "bob";
    static final String BOB_TOKEN = "eddy_bob-token-for-tests-only";
    static final String CAROL = "carol";
    static final String CAROL_TOKEN = "eddy_carol-token-for-tests-only";

    static final Map<String, List<String>> GRANTS = Map.of(
            ALICE,
            List.of("produce:topic:orders", "consume:topic:orders", "consume:group:billing", "admin:topic:alice-*"),
            BOB,
            List.of("consume:topic:payments"),
            CAROL,
            List.of("produce:topic:orders", "consume:group:carol-*"));

    private Principals() {}

    static Identities identities() {
        return new Identities(
                List.of(identity(ALICE, ALICE_TOKEN), identity(BOB, BOB_TOKEN), identity(CAROL, CAROL_TOKEN)));
    }

    private static Identity identity(String name, String token) {
        return new Identity(
                new Principal(name, Grant.parseAll(GRANTS.get(name))),
                Optional.of(TokenHash.of(token)),
                Optional.empty());
    }

    /** kafka-clients' settings for SASL/PLAIN as {@code user} with {@code password}, over {@code protocol}. */
    static Map<String, Object> plain(String protocol, String user, String password) {
        return Map.of(
                "security.protocol",
                protocol,
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
    }

    /** kafka-clients' Admin on {@code bootstrap} with {@code security} (and timeouts a test can wait for). */
    static Admin admin(String bootstrap, Map<String, Object> security) {
        Map<String, Object> config = new HashMap<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
        config.putAll(security);
        return Admin.create(config);
    }
}
