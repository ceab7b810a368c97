package io.eddy.kafka.consumer;

import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.GroupState;
import io.eddy.core.group.MemberState;
import java.util.List;

/**
 * One group as the store holds it, both faces: its Eddy state (KIP-848 and HTTP members, server-side assignment)
 * and its classic state (Kafka's JoinGroup/SyncGroup members), read at {@code nowMs}. A group is served by one
 * protocol at a time: it is classic while it has live classic members and no live Eddy ones, or while it has
 * classic state and never had an Eddy member; otherwise it is a consumer group (Kafka's KIP-848 type), empty ones
 * included. Immutable value; thread-safe.
 */
record StoredGroup(GroupState eddy, ClassicGroup classic, long nowMs) {

    boolean exists() {
        return eddy.exists() || classic.exists();
    }

    GroupKind kind() {
        if (eddy.hasLiveMembers(nowMs)) {
            return GroupKind.CONSUMER;
        }
        boolean classicOnly = classic.exists() && eddy.groupEpoch() == 0;
        return classic.hasLiveMembers(nowMs) || classicOnly ? GroupKind.CLASSIC : GroupKind.CONSUMER;
    }

    List<MemberState> liveMembers() {
        return eddy.members().values().stream().filter(m -> m.live(nowMs)).toList();
    }

    /** The state's name as Kafka gives it for the group's kind. */
    String state() {
        return kind() == GroupKind.CLASSIC ? classicState() : consumerState();
    }

    GroupSummary summary() {
        return new GroupSummary(eddy.groupId().value(), kind(), state(), GroupSummary.CONSUMER_PROTOCOL);
    }

    /** Kafka's consumer group states: Empty, Stable (every member caught up with its target), Reconciling. */
    private String consumerState() {
        List<MemberState> live = liveMembers();
        if (live.isEmpty()) {
            return "Empty";
        }
        boolean stable = live.stream()
                .allMatch(m -> m.memberEpoch() == eddy.groupEpoch()
                        && m.assigned().equals(eddy.target().partitionsOf(m.memberId())));
        return stable ? "Stable" : "Reconciling";
    }

    /** Kafka's classic group states; one whose members' sessions have all run out is Empty. */
    private String classicState() {
        if (!classic.hasLiveMembers(nowMs)) {
            return "Empty";
        }
        return switch (classic.phase()) {
            case EMPTY -> "Empty";
            case PREPARING_REBALANCE -> "PreparingRebalance";
            case COMPLETING_REBALANCE -> "CompletingRebalance";
            case STABLE -> "Stable";
        };
    }
}
