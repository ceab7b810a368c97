package io.eddy.core.auth;

import java.util.Objects;

/**
 * What one request needs: an operation on one named resource, e.g. produce on topic {@code orders}.
 *
 * @param name the resource's name ({@link ResourceType#CLUSTER_NAME} for the cluster)
 */
public record Permission(Operation operation, ResourceType type, String name) {
    public Permission {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static Permission topic(Operation operation, String topic) {
        return new Permission(operation, ResourceType.TOPIC, topic);
    }

    public static Permission group(Operation operation, String group) {
        return new Permission(operation, ResourceType.GROUP, group);
    }

    public static Permission cluster(Operation operation) {
        return new Permission(operation, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);
    }

    @Override
    public String toString() {
        return operation.wireName() + " on " + type.wireName() + " '" + name + "'";
    }
}
