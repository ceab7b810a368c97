package io.eddy.kafka;

import io.eddy.core.auth.Operation;
import io.eddy.core.auth.Permission;
import io.eddy.core.auth.Principal;
import io.eddy.core.auth.ResourceType;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.utils.Utils;

/**
 * Kafka's "authorized operations" bit fields (Metadata, DescribeCluster, DescribeTopicPartitions) from Eddy's
 * grants, by the mapping every handler uses: Read ← consume, Write ← produce, Create/Delete/Alter/AlterConfigs ←
 * admin, Describe/DescribeConfigs ← any grant. Stateless and thread-safe.
 */
public final class AuthorizedOperations {
    /** What a response carries when the request did not ask for authorized operations. */
    public static final int NOT_REQUESTED = Integer.MIN_VALUE;

    private AuthorizedOperations() {}

    /** The operations {@code principal} may perform on topic {@code topic}. */
    public static int topic(Principal principal, String topic) {
        Set<Byte> ops = new HashSet<>();
        if (principal.mayDescribe(ResourceType.TOPIC, topic)) {
            add(ops, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        }
        if (principal.allows(Permission.topic(Operation.CONSUME, topic))) {
            add(ops, AclOperation.READ);
        }
        if (principal.allows(Permission.topic(Operation.PRODUCE, topic))) {
            add(ops, AclOperation.WRITE);
        }
        if (principal.allows(Permission.topic(Operation.ADMIN, topic))) {
            add(ops, AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.ALTER_CONFIGS);
        }
        return Utils.to32BitField(ops);
    }

    /**
     * The operations {@code principal} may perform on the cluster: Create when it may administer every topic
     * (Kafka's Create on the cluster creates any topic), IdempotentWrite when it may produce anywhere.
     */
    public static int cluster(Principal principal) {
        Set<Byte> ops = new HashSet<>();
        if (principal.mayDescribe(ResourceType.CLUSTER, ResourceType.CLUSTER_NAME)) {
            add(ops, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
        }
        if (principal.allows(Permission.cluster(Operation.ADMIN))) {
            add(ops, AclOperation.ALTER, AclOperation.ALTER_CONFIGS);
        }
        if (principal.mayEverywhere(Operation.ADMIN, ResourceType.TOPIC)) {
            add(ops, AclOperation.CREATE);
        }
        if (principal.mayAnywhere(Operation.PRODUCE, ResourceType.TOPIC)) {
            add(ops, AclOperation.IDEMPOTENT_WRITE);
        }
        return Utils.to32BitField(ops);
    }

    private static void add(Set<Byte> ops, AclOperation... operations) {
        for (AclOperation op : operations) {
            ops.add(op.code());
        }
    }
}
