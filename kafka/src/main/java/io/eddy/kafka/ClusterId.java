package io.eddy.kafka;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.Uuid;

/**
 * The cluster id Metadata and DescribeCluster report: one per Eddy deployment, the same from every instance and
 * every restart. Derived from the DynamoDB table's name (a deployment is its table), so it needs no stored item:
 * see docs/architecture.md. Written as Kafka writes cluster ids (a UUID in URL-safe base64, 22 characters).
 */
public record ClusterId(String value) {
    public ClusterId {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("cluster id is required");
        }
    }

    /** The cluster id of the deployment whose metadata table is {@code table}. */
    public static ClusterId ofTable(String table) {
        UUID uuid = UUID.nameUUIDFromBytes(("eddy-cluster:" + table).getBytes(StandardCharsets.UTF_8));
        return new ClusterId(new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()).toString());
    }
}
