package io.eddy.core.group;

import io.eddy.core.error.GroupConflictException;
import io.smallrye.mutiny.Uni;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The store's side of Kafka's classic group protocol, for the Kafka front end: a group's classic state beside its
 * Eddy state (one group, one set of committed offsets), written over the version read, and the offset reads and
 * writes the classic APIs make. The protocol's decisions are the caller's; this only keeps the store's rules:
 * a group with classic state also has Eddy's group item, so that listing, describing and deleting it work as for
 * any group. Obtained from {@link GroupService#classic()}. Thread-safe.
 */
public final class ClassicGroups {
    private final GroupStore store;

    ClassicGroups(GroupStore store) {
        this.store = store;
    }

    public Uni<ClassicGroup> load(GroupId group) {
        return store.loadClassic(group);
    }

    /** The group's Eddy state (its server-side members), {@link GroupState#empty} when it has none. */
    public Uni<GroupState> eddyState(GroupId group) {
        return store.load(group);
    }

    /**
     * Writes {@code after} over {@code before}, creating the group's (empty) Eddy item first when the group is
     * new. Fails with {@link GroupConflictException} when the classic state changed since {@code before}.
     */
    public Uni<Void> save(ClassicGroup before, ClassicGroup after) {
        Uni<Void> created = before.exists() ? Uni.createFrom().voidItem() : ensureGroup(before.groupId());
        return created.flatMap(ignored -> store.saveClassic(before, after));
    }

    /** Extends a member's session; false when the group is no longer at {@code generation} with it. */
    public Uni<Boolean> touch(GroupId group, String memberId, int generation, long expiresAtMs) {
        return store.touchClassic(group, memberId, generation, expiresAtMs);
    }

    /** Commits for a member of {@code generation}; {@link GroupConflictException} when it no longer is one. */
    public Uni<Void> commit(GroupId group, String memberId, int generation, List<CommittedOffset> offsets) {
        return store.commitClassic(group, memberId, generation, offsets);
    }

    /**
     * Commits for a group without members (Kafka's generation -1 commit: an admin tool or a consumer that assigns
     * itself), creating the group when it does not exist. {@link GroupConflictException} when it changed since
     * {@code eddy} and {@code classic} were read.
     */
    public Uni<Void> commitEmpty(GroupState eddy, ClassicGroup classic, List<CommittedOffset> offsets) {
        if (eddy.exists()) {
            return store.commitEmpty(eddy, classic, offsets);
        }
        GroupState created = eddy.nextVersion();
        return store.save(eddy, created).flatMap(ignored -> store.commitEmpty(created, classic, offsets));
    }

    public Uni<Map<TopicPartition, CommittedOffset>> offsets(GroupId group, Collection<TopicPartition> partitions) {
        return store.offsets(group, partitions);
    }

    public Uni<Map<TopicPartition, CommittedOffset>> offsets(GroupId group) {
        return store.offsets(group);
    }

    public Uni<Void> deleteOffsets(GroupId group, Collection<TopicPartition> partitions) {
        return store.deleteOffsets(group, partitions);
    }

    private Uni<Void> ensureGroup(GroupId group) {
        return store.load(group)
                .flatMap(state -> state.exists()
                        ? Uni.createFrom().voidItem()
                        : store.save(state, state.nextVersion())
                                .onFailure(GroupConflictException.class)
                                .recoverWithItem((Void) null)); // created meanwhile by another writer: as good
    }
}
