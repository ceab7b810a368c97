package io.eddy.core.group;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A member of a {@link ClassicGroup}: what it sent in its last JoinGroup and what the leader assigned it. The
 * byte arrays are Kafka's opaque protocol metadata and assignment; they are neither copied nor ever modified.
 * Immutable value; thread-safe.
 *
 * @param clientId           the client id of its JoinGroup
 * @param clientHost         where it connected from
 * @param protocols          the protocols it supports, in its order of preference
 * @param joined             whether it has joined the rebalance in progress (always false outside one)
 * @param assignment         what the leader's SyncGroup gave it for this generation (empty until then)
 * @param topics             the topics its metadata subscribes to, when it decodes as Kafka's consumer protocol
 * @param assigned           the partitions its assignment holds, likewise
 * @param expiresAtMs        when its session ends unless it heartbeats
 */
public record ClassicMember(
        String memberId,
        Optional<String> instanceId,
        String clientId,
        String clientHost,
        int sessionTimeoutMs,
        int rebalanceTimeoutMs,
        List<ClassicProtocol> protocols,
        boolean joined,
        byte[] assignment,
        SortedSet<String> topics,
        SortedSet<TopicPartition> assigned,
        long expiresAtMs) {

    public ClassicMember {
        if (memberId == null
                || memberId.isEmpty()
                || instanceId == null
                || clientId == null
                || clientHost == null
                || protocols == null
                || protocols.isEmpty()
                || assignment == null
                || topics == null
                || assigned == null
                || sessionTimeoutMs <= 0
                || rebalanceTimeoutMs <= 0) {
            throw new IllegalArgumentException("incomplete classic member " + memberId);
        }
        protocols = List.copyOf(protocols);
        topics = Collections.unmodifiableSortedSet(new TreeSet<>(topics));
        assigned = Collections.unmodifiableSortedSet(new TreeSet<>(assigned));
    }

    public boolean live(long nowMs) {
        return expiresAtMs >= nowMs;
    }

    /** Its metadata for {@code protocol}, empty when it does not support it. */
    public Optional<byte[]> metadata(String protocol) {
        return protocols.stream()
                .filter(p -> p.name().equals(protocol))
                .findFirst()
                .map(ClassicProtocol::metadata);
    }

    public ClassicMember joining(boolean hasJoined) {
        return new ClassicMember(
                memberId,
                instanceId,
                clientId,
                clientHost,
                sessionTimeoutMs,
                rebalanceTimeoutMs,
                protocols,
                hasJoined,
                assignment,
                topics,
                assigned,
                expiresAtMs);
    }

    public ClassicMember expiringAt(long at) {
        return new ClassicMember(
                memberId,
                instanceId,
                clientId,
                clientHost,
                sessionTimeoutMs,
                rebalanceTimeoutMs,
                protocols,
                joined,
                assignment,
                topics,
                assigned,
                at);
    }

    /** The member given {@code bytes} by the leader, which decode to {@code partitions}. */
    public ClassicMember assigned(byte[] bytes, SortedSet<TopicPartition> partitions) {
        return new ClassicMember(
                memberId,
                instanceId,
                clientId,
                clientHost,
                sessionTimeoutMs,
                rebalanceTimeoutMs,
                protocols,
                joined,
                bytes,
                topics,
                partitions,
                expiresAtMs);
    }

    /** The same member known by another id (a static member rejoining under a new member id). */
    public ClassicMember renamed(String newMemberId) {
        return new ClassicMember(
                newMemberId,
                instanceId,
                clientId,
                clientHost,
                sessionTimeoutMs,
                rebalanceTimeoutMs,
                protocols,
                joined,
                assignment,
                topics,
                assigned,
                expiresAtMs);
    }

    /** Whether {@code other} lists the same protocols with the same metadata, in the same order. */
    public boolean sameProtocols(List<ClassicProtocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!other.get(i).sameAs(protocols.get(i))) {
                return false;
            }
        }
        return true;
    }
}
