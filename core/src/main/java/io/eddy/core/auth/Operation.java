package io.eddy.core.auth;

import java.util.Locale;

/**
 * What a grant lets a principal do to a resource, in the spirit of Kafka's ACL operations but fewer:
 * {@code produce} (Kafka's Write), {@code consume} (Read) and {@code admin} (Create, Alter, Delete, and Kafka's
 * All: it implies the other two on the same resources).
 */
public enum Operation {
    PRODUCE,
    CONSUME,
    ADMIN;

    /** Whether a grant of this operation covers a request for {@code wanted}. */
    public boolean implies(Operation wanted) {
        return this == wanted || this == ADMIN;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Operation fromWire(String s) {
        for (Operation o : values()) {
            if (o.wireName().equals(s)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + s + "'; one of produce, consume, admin");
    }
}
