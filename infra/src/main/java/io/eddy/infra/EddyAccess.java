package io.eddy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.constructs.Node;

/**
 * Who may do what through the function URLs, beyond IAM's "may invoke": the principals of Eddy's permission model
 * (docs/architecture.md, "Access control"), matched by the caller's IAM ARN. Read from the CDK context key
 * {@code principals}, a JSON object (in {@code cdk.json}) or the same JSON as a string ({@code -c principals=…}):
 * <pre>{"writers": {"iamArn": "arn:aws:sts::123456789012:assumed-role/orders-writer/*",
 *               "grants": ["produce:topic:orders-*"]}}</pre>
 * With principals, the ingest and fetch functions run with {@code EDDY_AUTH_MODE=iam}; without, they are open to
 * every caller IAM lets invoke them (the functions' default). Values, not secrets: ARNs and grants only.
 *
 * @param principals principal name → its ARN pattern and grants, in the order given
 */
public record EddyAccess(Map<String, IamPrincipal> principals) {
    /** A principal's name becomes part of an environment variable's name, where dashes would be ambiguous. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");

    private static final Pattern GRANT = Pattern.compile("(produce|consume|admin):(topic|group|cluster):[^,\\s*]*\\*?");

    /** One principal: the IAM ARN (or ARN prefix ending in {@code *}) of its callers and its grants. */
    public record IamPrincipal(String iamArn, List<String> grants) {
        public IamPrincipal {
            if (!iamArn.startsWith("arn:")) {
                throw new IllegalArgumentException(
                        "iamArn must be an ARN or an ARN prefix ending in *, not '" + iamArn + "'");
            }
            grants = List.copyOf(grants);
            checkGrants(grants);
        }
    }

    /** Refuses a grant that is not {@code <operation>:<resource type>:<name, prefix* or *>}. */
    static void checkGrants(List<String> grants) {
        for (String g : grants) {
            if (!GRANT.matcher(g).matches()) {
                throw new IllegalArgumentException("a grant is <produce|consume|admin>:<topic|group|cluster>:<name,"
                        + " prefix* or *>, not '" + g + "'");
            }
        }
    }

    /** Refuses a principal's name that would not make a clear environment variable's name. */
    static void checkNames(java.util.Set<String> names) {
        names.forEach(name -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "a principal's name is 1 to 32 lower-case letters and digits, starting"
                                + " with a letter, not '" + name + "'");
            }
        });
    }

    public EddyAccess {
        principals = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(principals));
        checkNames(principals.keySet());
    }

    /** Reads {@code principals} from the construct tree's context; none = open to IAM-authorised callers. */
    public static EddyAccess fromContext(Node node) {
        Optional<JsonNode> given = new EddySettings.Context(node).jsonObject("principals", "name → {iamArn, grants}");
        if (given.isEmpty()) {
            return new EddyAccess(Map.of());
        }
        JsonNode tree = given.get();
        Map<String, IamPrincipal> out = new LinkedHashMap<>();
        tree.fields().forEachRemaining(e -> {
            JsonNode p = e.getValue();
            if (!p.path("iamArn").isTextual() || !p.path("grants").isArray()) {
                throw new IllegalArgumentException(
                        "principal '" + e.getKey() + "' needs \"iamArn\" (a string) and" + " \"grants\" (a list)");
            }
            List<String> grants = new ArrayList<>();
            p.path("grants").forEach(g -> grants.add(g.asText()));
            out.put(e.getKey(), new IamPrincipal(p.path("iamArn").asText(), grants));
        });
        return new EddyAccess(out);
    }

    /** The functions' configuration: {@code EDDY_AUTH_*} variables, none when open. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (principals.isEmpty()) {
            return env;
        }
        env.put("EDDY_AUTH_MODE", "iam");
        principals.forEach((name, p) -> {
            String prefix = "EDDY_AUTH_PRINCIPALS_" + name.toUpperCase(Locale.ROOT) + "_";
            env.put(prefix + "IAM_ARN", p.iamArn());
            env.put(prefix + "GRANTS", String.join(",", p.grants()));
        });
        return env;
    }
}
