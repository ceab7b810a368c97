package io.eddy.kafka.consumer;

import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaSession;
import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;

/**
 * What a connection may do to a group, in Kafka's terms over Eddy's grants: Describe is any grant on the group,
 * Read is {@code consume}, Delete and AlterConfigs are {@code admin}; and the {@code AuthorizedOperations}
 * bitfield the describe APIs answer when asked. Stateless.
 */
final class GroupAccess {
    /** The describe APIs' {@code AuthorizedOperations} when they were not asked for. */
    static final int NOT_REQUESTED = Integer.MIN_VALUE;

    private GroupAccess() {}

    static boolean mayDescribe(KafkaSession session, String group) {
        return session.principal().mayDescribe(ResourceType.GROUP, group);
    }

    static boolean mayDelete(KafkaSession session, String group) {
        return KafkaAccess.mayGroup(session, Operation.ADMIN, group);
    }

    /** Kafka's bitfield of the operations the connection may perform on the group (bit = {@link AclOperation#code}). */
    static int authorizedOperations(KafkaSession session, String group) {
        Set<AclOperation> ops = EnumSet.noneOf(AclOperation.class);
        if (mayDescribe(session, group)) {
            ops.add(AclOperation.DESCRIBE);
            ops.add(AclOperation.DESCRIBE_CONFIGS);
        }
        if (KafkaAccess.mayGroup(session, Operation.CONSUME, group)) {
            ops.add(AclOperation.READ);
        }
        if (mayDelete(session, group)) {
            ops.add(AclOperation.DELETE);
            ops.add(AclOperation.ALTER_CONFIGS);
        }
        int bits = 0;
        for (AclOperation op : ops) {
            bits |= 1 << op.code();
        }
        return bits;
    }
}
