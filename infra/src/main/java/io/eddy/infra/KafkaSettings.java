package io.eddy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.constructs.Node;

/**
 * The Kafka service of one deployment ({@link KafkaService}), read from CDK context: {@code kafka} ({@code false}
 * leaves it out), {@code kafkaAsset} (the image's directory: {@code server/target/quarkus-app} with its Dockerfile, as
 * {@code mvn package} leaves it), {@code kafkaAdvertisedHost} (the name clients connect to; default: the load
 * balancer's DNS name), {@code kafkaDesiredCount}, {@code kafkaCpu}, {@code kafkaMemoryMb}, and
 * {@code kafkaPrincipals}: who may connect, a JSON object (or the same JSON as a string) of principals with the
 * SHA-256 of their token ({@code ./eddy token new}) and their grants, as the HTTP API's:
 * <pre>{"billing": {"tokenSha256": "&lt;64 hex digits&gt;", "grants": ["consume:topic:orders-*", "consume:group:billing"]}}</pre>
 * Kafka clients authenticate with SASL/PLAIN, the principal's name as username and its token as password; access
 * control is always on (a principal-less service refuses every connection). Values, not secrets: hashes only.
 *
 * @param asset          the image's build context: a directory holding a Dockerfile
 * @param advertisedHost the host clients are told to connect to; empty = the load balancer's DNS name
 * @param desiredCount   tasks running, at least 2: every one answers for every partition, so one restarting
 *                       leaves the others serving
 * @param cpu            a task's CPU units (1024 = one vCPU)
 * @param memoryMb       a task's memory
 * @param principals     name → token hash and grants
 */
public record KafkaSettings(
        String asset,
        Optional<String> advertisedHost,
        int desiredCount,
        int cpu,
        int memoryMb,
        Map<String, TokenPrincipal> principals) {
    /** Where {@code mvn package} of the server leaves the application and its Dockerfile, relative to {@code infra/}. */
    public static final String SERVER_ASSET = "../server/target/quarkus-app";
    /** The port the listener binds in the container and the load balancer listens on: Kafka's. */
    public static final int PORT = 9092;
    /** The server's HTTP port in the container: the load balancer health-checks {@link #READY_PATH} there. */
    public static final int HTTP_PORT = 8080;
    /** Ready only when the table and the primary bucket answer (the server's {@code StorageReadiness}). */
    public static final String READY_PATH = "/q/health/ready";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** A principal who authenticates with a token: the token's SHA-256 and the principal's grants. */
    public record TokenPrincipal(String tokenSha256, List<String> grants) {
        public TokenPrincipal {
            if (!SHA256.matcher(tokenSha256).matches()) {
                throw new IllegalArgumentException(
                        "tokenSha256 is the token's SHA-256 in 64 lower-case hex digits (./eddy token new prints it)");
            }
            grants = List.copyOf(grants);
            EddyAccess.checkGrants(grants);
        }
    }

    public KafkaSettings {
        if (desiredCount < 2) {
            throw new IllegalArgumentException("kafkaDesiredCount must be at least 2 (one task restarting must not "
                    + "take the Kafka face down), not " + desiredCount);
        }
        principals = Collections.unmodifiableMap(new LinkedHashMap<>(principals));
        EddyAccess.checkNames(principals.keySet());
    }

    /** Reads the Kafka service's settings from the construct tree's context; empty with {@code -c kafka=false}. */
    public static Optional<KafkaSettings> fromContext(Node node) {
        EddySettings.Context c = new EddySettings.Context(node);
        if ("false".equals(c.string("kafka").orElse("true"))) {
            return Optional.empty();
        }
        return Optional.of(new KafkaSettings(
                c.string("kafkaAsset").orElse(SERVER_ASSET),
                c.string("kafkaAdvertisedHost"),
                c.integer("kafkaDesiredCount", 2),
                c.integer("kafkaCpu", 1024),
                c.integer("kafkaMemoryMb", 2048),
                principals(c)));
    }

    /** The service's access control: {@code EDDY_AUTH_*} variables, token mode always. */
    public Map<String, String> authEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("EDDY_AUTH_MODE", "token");
        principals.forEach((name, p) -> {
            String prefix = "EDDY_AUTH_PRINCIPALS_" + name.toUpperCase(Locale.ROOT) + "_";
            env.put(prefix + "TOKEN_SHA256", p.tokenSha256());
            env.put(prefix + "GRANTS", String.join(",", p.grants()));
        });
        return env;
    }

    private static Map<String, TokenPrincipal> principals(EddySettings.Context context) {
        Optional<JsonNode> given = context.jsonObject("kafkaPrincipals", "name → {tokenSha256, grants}");
        Map<String, TokenPrincipal> out = new LinkedHashMap<>();
        given.ifPresent(tree -> tree.fields().forEachRemaining(e -> {
            JsonNode p = e.getValue();
            if (!p.path("tokenSha256").isTextual() || !p.path("grants").isArray()) {
                throw new IllegalArgumentException("Kafka principal '" + e.getKey()
                        + "' needs \"tokenSha256\" (a string) and \"grants\" (a list)");
            }
            List<String> grants = new ArrayList<>();
            p.path("grants").forEach(g -> grants.add(g.asText()));
            out.put(e.getKey(), new TokenPrincipal(p.path("tokenSha256").asText(), grants));
        }));
        return out;
    }
}
