package io.eddy.core.auth;

import java.util.List;
import java.util.Objects;

/**
 * An authenticated caller and what it may do. Immutable and thread-safe.
 *
 * @param name   the principal's configured name (never a secret: it appears in 403 details and logs)
 * @param grants its allow rules
 */
public record Principal(String name, List<Grant> grants) {
    /** The caller of an open server: may do everything. */
    public static final Principal OPEN = new Principal(
            "anonymous",
            List.of(
                    new Grant(Operation.ADMIN, ResourceType.TOPIC, NamePattern.ANY),
                    new Grant(Operation.ADMIN, ResourceType.GROUP, NamePattern.ANY),
                    new Grant(Operation.ADMIN, ResourceType.CLUSTER, NamePattern.ANY)));

    public Principal {
        Objects.requireNonNull(name, "name");
        grants = List.copyOf(grants);
    }

    public boolean allows(Permission wanted) {
        return grants.stream().anyMatch(g -> g.covers(wanted));
    }

    /**
     * Whether the principal holds any grant on the named resource, whatever its operation: Kafka's Describe,
     * which Read, Write and All imply. Decides what listings show.
     */
    public boolean mayDescribe(ResourceType type, String name) {
        return grants.stream().anyMatch(g -> g.type() == type && g.pattern().matches(name));
    }

    /** Whether some grant allows {@code operation} on some resource of the type (e.g. produce to any topic). */
    public boolean mayAnywhere(Operation operation, ResourceType type) {
        return grants.stream().anyMatch(g -> g.type() == type && g.operation().implies(operation));
    }

    /** Whether one grant allows {@code operation} on every resource of the type (pattern {@code *}). */
    public boolean mayEverywhere(Operation operation, ResourceType type) {
        return grants.stream()
                .anyMatch(g -> g.type() == type
                        && g.operation().implies(operation)
                        && g.pattern().equals(NamePattern.ANY));
    }
}
