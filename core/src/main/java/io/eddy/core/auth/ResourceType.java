package io.eddy.core.auth;

import java.util.Locale;

/**
 * What a grant is about: topics, consumer groups by name, or the cluster as a whole (statistics, compaction),
 * whose one resource is named {@link #CLUSTER_NAME}.
 */
public enum ResourceType {
    TOPIC,
    GROUP,
    CLUSTER;

    /** The name of the cluster resource, as Kafka names its {@code kafka-cluster}. */
    public static final String CLUSTER_NAME = "cluster";

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ResourceType fromWire(String s) {
        for (ResourceType t : values()) {
            if (t.wireName().equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown resource type '" + s + "'; one of topic, group, cluster");
    }
}
