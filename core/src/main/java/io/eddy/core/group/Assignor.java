package io.eddy.core.group;

import java.util.List;
import java.util.Map;

/**
 * Computes a group's target assignment from its members' subscriptions (server side, as in KIP-848).
 *
 * <p>Contract for every implementation: a pure, deterministic function. The same members (in any list order)
 * and topics give the same assignment; members are walked in {@link GroupMember#ASSIGNMENT_ORDER} (instance id
 * when present, else member id). Every partition of a topic someone subscribes to goes to exactly one member
 * subscribed to it; partitions of topics nobody subscribes to, and subscribed topics missing from
 * {@code partitionsPerTopic}, are left out. Every member appears in the result, possibly with no partitions.
 */
public interface Assignor {

    /** The name clients ask for, as in Kafka's {@code partition.assignment.strategy}: "range", … */
    String name();

    /**
     * @param members            the group's members; member ids unique
     * @param partitionsPerTopic topic → its partition count (≥ 0)
     * @throws IllegalArgumentException on duplicate member ids or a negative partition count
     */
    Assignment assign(List<GroupMember> members, Map<String, Integer> partitionsPerTopic);
}
