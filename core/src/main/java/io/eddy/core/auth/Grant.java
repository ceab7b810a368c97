package io.eddy.core.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One allow rule, Kafka-ACL-like: an operation on the resources of one type whose names match a pattern.
 * Written {@code <operation>:<resource type>:<name pattern>}, e.g. {@code produce:topic:orders-*},
 * {@code consume:group:billing}, {@code admin:cluster:*}. There are no deny rules: a principal may do exactly
 * what one of its grants covers.
 */
public record Grant(Operation operation, ResourceType type, NamePattern pattern) {
    public Grant {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(pattern, "pattern");
    }

    /** Parses {@code <operation>:<resource type>:<name pattern>}. */
    public static Grant parse(String text) {
        String[] parts = text.trim().split(":", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a grant is <operation>:<resource type>:<name pattern>, e.g. "
                    + "produce:topic:orders-*; not '" + text + "'");
        }
        return new Grant(Operation.fromWire(parts[0]), ResourceType.fromWire(parts[1]), new NamePattern(parts[2]));
    }

    /** Parses each grant of a list (a configuration value), keeping their order. */
    public static List<Grant> parseAll(List<String> texts) {
        List<Grant> out = new ArrayList<>();
        for (String t : texts) {
            if (!t.isBlank()) {
                out.add(parse(t));
            }
        }
        return List.copyOf(out);
    }

    /** Whether this grant allows {@code wanted}. */
    public boolean covers(Permission wanted) {
        return type == wanted.type() && operation.implies(wanted.operation()) && pattern.matches(wanted.name());
    }

    @Override
    public String toString() {
        return operation.wireName() + ":" + type.wireName() + ":" + pattern.text();
    }
}
