package io.eddy.core.group;

import io.smallrye.mutiny.Uni;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Port to where consumer groups live: the group's state, its members and its committed offsets. Every write
 * that decides something is conditional on what the caller read, so concurrent callers never both win; a lost
 * race fails with {@link GroupConflictException} and the caller reloads and decides again. Reads are strongly
 * consistent. Implementations are thread-safe.
 */
public interface GroupStore {

    /** The group as stored, or {@link GroupState#empty} (version 0) when it does not exist. */
    Uni<GroupState> load(GroupId group);

    /**
     * Writes {@code after} (its version must be {@code before}'s + 1) on condition that the stored group is still
     * at {@code before}'s version and that every member {@code after} removes is still as {@code before} read it.
     */
    Uni<Void> save(GroupState before, GroupState after);

    /**
     * Extends one member's session to {@code member}'s expiry without touching the group, on condition that the
     * member is stored with the same epoch and is still live at {@code nowMs}. False when it was not (reload).
     */
    Uni<Boolean> refresh(GroupId group, MemberState member, long nowMs);

    /**
     * Writes offsets on condition that the member is stored with {@code memberEpoch}, live at {@code nowMs}, and
     * assigned every partition committed. Fails with {@link GroupConflictException} when a condition failed.
     * Up to {@link #MAX_OFFSETS_PER_WRITE} offsets are written atomically; more are written in several steps.
     */
    Uni<Void> commit(GroupId group, String memberId, long memberEpoch, long nowMs, List<CommittedOffset> offsets);

    /** Writes offsets for a group with no live members, on condition that the group is still at {@code expected}. */
    Uni<Void> reset(GroupState expected, List<CommittedOffset> offsets);

    /** The committed offsets of the given partitions (those with none are absent). */
    Uni<Map<TopicPartition, CommittedOffset>> offsets(GroupId group, Collection<TopicPartition> partitions);

    /** Every committed offset of the group. */
    Uni<Map<TopicPartition, CommittedOffset>> offsets(GroupId group);

    /** Every group's name, sorted. */
    Uni<List<GroupId>> groups();

    /** Deletes the group, its members and its offsets, on condition that it is still at {@code expected}. */
    Uni<Void> delete(GroupState expected);

    // ---- Kafka's classic protocol, kept beside the group's Eddy state -------------------------------------

    /** The group's classic-protocol state, or {@link ClassicGroup#empty} (version 0) when it has none. */
    Uni<ClassicGroup> loadClassic(GroupId group);

    /**
     * Writes {@code after} (its version must be {@code before}'s + 1) on condition that the stored classic state is
     * still at {@code before}'s version. Fails with {@link GroupConflictException} otherwise.
     */
    Uni<Void> saveClassic(ClassicGroup before, ClassicGroup after);

    /**
     * Extends a classic member's session to {@code expiresAtMs} (and advances the classic state's version), on
     * condition that the group is at {@code generation} and holds the member. False when it was not (reload).
     */
    Uni<Boolean> touchClassic(GroupId group, String memberId, int generation, long expiresAtMs);

    /**
     * Writes offsets on condition that the classic group is at {@code generation} and holds {@code memberId}.
     * Fails with {@link GroupConflictException} when it does not. Written in steps as {@link #commit}.
     */
    Uni<Void> commitClassic(GroupId group, String memberId, int generation, List<CommittedOffset> offsets);

    /**
     * Writes offsets for a group without members (an administrative commit), on condition that its Eddy state
     * (which must exist) is still at {@code expected}'s version and its classic state at {@code classic}'s
     * version (still absent when that is 0). Fails with {@link GroupConflictException} otherwise.
     */
    Uni<Void> commitEmpty(GroupState expected, ClassicGroup classic, List<CommittedOffset> offsets);

    /** Deletes the committed offsets of {@code partitions} (those with none are ignored). */
    Uni<Void> deleteOffsets(GroupId group, Collection<TopicPartition> partitions);

    int MAX_OFFSETS_PER_WRITE = 98;
}
