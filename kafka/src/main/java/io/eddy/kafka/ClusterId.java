package io.eddy.kafka;

import io.eddy.core.storage.MetadataStore;
import io.smallrye.mutiny.Uni;
import org.apache.kafka.common.Uuid;

/**
 * The cluster id Metadata and DescribeCluster report: one per Eddy deployment, the same from every instance and
 * every restart, because it is stored once in the deployment's table ({@link #resolve}). Written as Kafka writes
 * cluster ids (a random UUID in URL-safe base64, 22 characters). Immutable.
 */
public record ClusterId(String value) {
    public ClusterId {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("cluster id is required");
        }
    }

    /**
     * The deployment's cluster id: the one stored in {@code metadata}, or a new random one that the first instance
     * to ask stores there (a conditional write, so concurrent first instances agree). Resolved once at startup by
     * whoever wires {@link KafkaServices}.
     */
    public static Uni<ClusterId> resolve(MetadataStore metadata) {
        return Uni.createFrom()
                .item(() -> Uuid.randomUuid().toString())
                .flatMap(metadata::clusterId)
                .map(ClusterId::new);
    }
}
