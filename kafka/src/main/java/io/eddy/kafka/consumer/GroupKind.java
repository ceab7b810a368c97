package io.eddy.kafka.consumer;

import java.util.Locale;

/**
 * Which of Kafka's protocols a group's members speak, as ListGroups' {@code GroupType} and the group's state
 * name in that protocol's terms. Eddy stores both kinds in one group store; a group whose members speak neither
 * (empty) is listed as a consumer group.
 */
enum GroupKind {
    CLASSIC("classic"),
    CONSUMER("consumer");

    private final String wire;

    GroupKind(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }

    /** Whether {@code type} (as ListGroups' types filter names it, any case) is this kind. */
    boolean named(String type) {
        return wire.equals(type.toLowerCase(Locale.ROOT));
    }
}
