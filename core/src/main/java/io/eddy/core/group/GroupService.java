package io.eddy.core.group;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.error.GroupConflictException;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.model.OffsetSpec;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Consumer groups: joins and heartbeats, leaving, epoch-fenced offset commits, describe with lag, offset
 * resets and deletion. Loads the group, lets {@link GroupCoordinator} decide, and writes the result over the
 * version it loaded; a lost race reloads and decides again. No state is kept here, so any number of function
 * instances may serve one group. Thread-safe.
 */
public final class GroupService {
    private final GroupStore store;
    private final TopicService topics;
    private final MetadataStore metadata;
    private final FetchService fetch;
    private final GroupSettings settings;
    private final Clock clock;
    private final GroupCoordinator coordinator = new GroupCoordinator();
    private final ClassicGroups classic;

    public GroupService(
            GroupStore store,
            TopicService topics,
            MetadataStore metadata,
            FetchService fetch,
            GroupSettings settings,
            Clock clock) {
        this.store = store;
        this.topics = topics;
        this.metadata = metadata;
        this.fetch = fetch;
        this.settings = settings;
        this.clock = clock;
        this.classic = new ClassicGroups(store);
    }

    /** The same groups as Kafka's classic protocol keeps them (the Kafka front end's JoinGroup, SyncGroup…). */
    public ClassicGroups classic() {
        return classic;
    }

    /** Where a member starts on a partition newly given to it: the committed offset, else per its reset policy. */
    public record StartOffset(TopicPartition partition, Optional<Long> offset, boolean committed) {}

    /**
     * A heartbeat's answer.
     *
     * @param assignment what the member may consume now
     * @param starts     start offsets of the assigned partitions the member did not report owning
     */
    public record HeartbeatReply(
            String memberId,
            long memberEpoch,
            long heartbeatIntervalMs,
            SortedSet<TopicPartition> assignment,
            List<StartOffset> starts,
            SortedSet<TopicPartition> revoke,
            SortedSet<TopicPartition> pending) {}

    /** One partition of a described group. */
    public record PartitionLag(
            TopicPartition partition,
            Optional<String> owner,
            Optional<CommittedOffset> committed,
            long logStartOffset,
            long highWatermark) {
        /** The records not yet consumed, when the group has committed here. */
        public Optional<Long> lag() {
            return committed.map(c -> Math.max(0, highWatermark - c.offset()));
        }
    }

    /** A described group: its state, live members and every partition it subscribes to or has committed on. */
    public record GroupDescription(
            GroupState group, String state, List<MemberState> members, List<PartitionLag> partitions) {}

    // ---- membership ----------------------------------------------------------------------------------------

    public Uni<HeartbeatReply> heartbeat(String groupName, Heartbeat hb) {
        GroupId group = new GroupId(groupName);
        settings.checkSessionTimeout(hb.sessionTimeoutMs());
        hb.assignor().ifPresent(GroupService::checkAssignor);
        return withConflictRetry(() -> store.load(group)
                .flatMap(before -> resolveTopics(before, hb.subscription()).flatMap(known -> {
                    long now = clock.millis();
                    GroupCoordinator.HeartbeatResult result = coordinator.heartbeat(before, hb, counts(known), now);
                    Uni<Void> write = result.groupChanged()
                            ? store.save(before, result.state().nextVersion())
                            : store.refresh(group, result.member(), now)
                                    .invoke(refreshed -> {
                                        if (!refreshed) {
                                            throw new GroupConflictException(
                                                    "member " + hb.memberId() + " changed meanwhile", null);
                                        }
                                    })
                                    .replaceWithVoid();
                    return write.replaceWith(result).flatMap(r -> reply(group, hb, r, known));
                })));
    }

    public Uni<Void> leave(String groupName, String memberId) {
        GroupId group = new GroupId(groupName);
        return withConflictRetry(() -> store.load(group)
                .flatMap(before -> resolveTopics(before, Optional.empty())
                        .flatMap(known -> store.save(
                                before,
                                coordinator
                                        .leave(before, memberId, counts(known), clock.millis())
                                        .nextVersion()))));
    }

    // ---- offsets -------------------------------------------------------------------------------------------

    /**
     * Commits offsets for a member, fenced by its epoch: a member not in the group (or whose session ended) gets
     * {@code unknown_member}, an epoch that is not the member's {@code stale_member_epoch}, a partition it does
     * not own {@code partition_not_assigned}; nothing is written then.
     */
    public Uni<List<CommittedOffset>> commit(
            String groupName, String memberId, long memberEpoch, List<CommittedOffset> offsets) {
        GroupId group = new GroupId(groupName);
        if (offsets.isEmpty()) {
            return Uni.createFrom().failure(new EddyException(ErrorCode.INVALID_REQUEST, "no offsets to commit"));
        }
        return checkPartitions(offsets.stream().map(CommittedOffset::partition).toList())
                .flatMap(ignored -> withConflictRetry(() -> {
                    long now = clock.millis();
                    List<CommittedOffset> stamped = offsets.stream()
                            .map(o -> new CommittedOffset(o.partition(), o.offset(), o.metadata(), memberEpoch, now))
                            .toList();
                    return store.commit(group, memberId, memberEpoch, now, stamped)
                            .onFailure(GroupConflictException.class)
                            .recoverWithUni(conflict -> store.load(group).map(state -> {
                                throw whyRefused(state, memberId, memberEpoch, offsets, now, conflict);
                            }))
                            .replaceWith(stamped);
                }));
    }

    /** The reason a commit's condition failed; a conflict (retried) when nothing is wrong with it now. */
    private static RuntimeException whyRefused(
            GroupState state,
            String memberId,
            long epoch,
            List<CommittedOffset> offsets,
            long now,
            Throwable conflict) {
        MemberState m = state.members().get(memberId);
        if (m == null || !m.live(now)) {
            return GroupCoordinator.unknownMember(memberId);
        }
        if (m.memberEpoch() != epoch) {
            return GroupCoordinator.staleEpoch(memberId, epoch, m.memberEpoch());
        }
        List<String> notOwned = offsets.stream()
                .map(CommittedOffset::partition)
                .filter(p -> !m.assigned().contains(p))
                .map(TopicPartition::toString)
                .distinct()
                .sorted()
                .toList();
        if (!notOwned.isEmpty()) {
            return new EddyException(
                    ErrorCode.PARTITION_NOT_ASSIGNED,
                    "member '" + memberId + "' does not own " + notOwned + "; nothing was committed",
                    Map.of("member_id", memberId, "partitions", notOwned));
        }
        return conflict instanceof RuntimeException r ? r : new GroupConflictException("commit raced", conflict);
    }

    /**
     * Moves the group's offsets on {@code topicNames} (all partitions; empty = the topics it has committed on)
     * to the target, as Kafka's {@code kafka-consumer-groups --reset-offsets}: only while no member is live.
     * Creates the group if it does not exist. Returns the new offsets; {@code dryRun} writes nothing.
     *
     * @param authorize given the topics the reset would move, before anything is read of them or written; throws
     *                  to refuse (the caller's access control: moving a topic's offsets needs consume on it)
     */
    public Uni<List<CommittedOffset>> reset(
            String groupName,
            Collection<String> topicNames,
            OffsetSpec target,
            boolean dryRun,
            Consumer<List<String>> authorize) {
        GroupId group = new GroupId(groupName);
        return withConflictRetry(() ->
                resetTopics(group, topicNames).invoke(authorize).flatMap(names -> reset(group, names, target, dryRun)));
    }

    private Uni<List<CommittedOffset>> reset(GroupId group, List<String> names, OffsetSpec target, boolean dryRun) {
        return Uni.combine()
                .all()
                .unis(store.load(group), store.loadClassic(group))
                .asTuple()
                .flatMap(both -> {
                    GroupState state = both.getItem1();
                    long now = clock.millis();
                    if (state.hasLiveMembers(now) || both.getItem2().hasLiveMembers(now)) {
                        throw notEmpty(group, "offsets can only be reset while the group has no live members");
                    }
                    return newOffsets(names, target, now).flatMap(offsets -> {
                        if (dryRun) {
                            return Uni.createFrom().item(offsets);
                        }
                        Uni<GroupState> created = state.exists()
                                ? Uni.createFrom().item(state)
                                : store.save(state, state.nextVersion()).replaceWith(state.nextVersion());
                        return created.flatMap(s -> store.reset(s, offsets)).replaceWith(offsets);
                    });
                });
    }

    private Uni<List<String>> resetTopics(GroupId group, Collection<String> names) {
        if (!names.isEmpty()) {
            return Uni.createFrom().item(List.copyOf(new TreeSet<>(names)));
        }
        return store.offsets(group).map(committed -> {
            List<String> out = committed.keySet().stream()
                    .map(TopicPartition::topic)
                    .distinct()
                    .sorted()
                    .toList();
            if (out.isEmpty()) {
                throw new EddyException(
                        ErrorCode.INVALID_REQUEST,
                        "group " + group + " has no committed offsets: " + "name the topics to reset",
                        Map.of("field", "topics"));
            }
            return out;
        });
    }

    private Uni<List<CommittedOffset>> newOffsets(List<String> names, OffsetSpec target, long now) {
        List<Uni<List<CommittedOffset>>> perTopic = new ArrayList<>();
        for (String name : names) {
            perTopic.add(topics.require(name).flatMap(topic -> {
                List<Uni<CommittedOffset>> partitions = new ArrayList<>();
                for (int p = 0; p < topic.partitions(); p++) {
                    TopicPartition tp = new TopicPartition(name, p);
                    partitions.add(fetch.offsetAt(name, p, target.at(now))
                            .map(offset -> new CommittedOffset(tp, offset, "", -1, now)));
                }
                return Uni.join().all(partitions).andFailFast();
            }));
        }
        return Uni.join()
                .all(perTopic)
                .andFailFast()
                .map(lists -> lists.stream().flatMap(List::stream).toList());
    }

    // ---- administration ------------------------------------------------------------------------------------

    public Uni<List<GroupId>> list() {
        return store.groups();
    }

    public Uni<GroupDescription> describe(String groupName) {
        GroupId group = new GroupId(groupName);
        return Uni.combine()
                .all()
                .unis(store.load(group), store.loadClassic(group))
                .asTuple()
                .flatMap(both -> {
                    long now = clock.millis();
                    GroupState stored = both.getItem1();
                    if (!stored.exists()) {
                        throw unknownGroup(group);
                    }
                    // a group is served by one protocol at a time: Kafka's classic members when it has no live Eddy
                    // ones
                    ClassicGroup kafka = both.getItem2();
                    boolean classicMembers = !stored.hasLiveMembers(now) && kafka.hasLiveMembers(now);
                    GroupState state = classicMembers ? kafka.asGroupState(stored, now) : stored;
                    boolean rebalancing = classicMembers && kafka.phase() != ClassicGroup.Phase.STABLE;
                    List<MemberState> live = state.members().values().stream()
                            .filter(m -> m.live(now))
                            .toList();
                    return store.offsets(group).flatMap(committed -> {
                        SortedMap<TopicPartition, String> owners = new TreeMap<>();
                        live.forEach(m -> m.assigned().forEach(p -> owners.put(p, m.memberId())));
                        SortedSet<TopicPartition> partitions = new TreeSet<>(committed.keySet());
                        partitions.addAll(owners.keySet());
                        state.partitionCounts().forEach((topic, count) -> {
                            for (int p = 0; p < count; p++) {
                                partitions.add(new TopicPartition(topic, p));
                            }
                        });
                        return lags(partitions, owners, committed)
                                .map(lags -> new GroupDescription(
                                        state, rebalancing ? "reconciling" : stateName(state, live), live, lags));
                    });
                });
    }

    private Uni<List<PartitionLag>> lags(
            SortedSet<TopicPartition> partitions,
            Map<TopicPartition, String> owners,
            Map<TopicPartition, CommittedOffset> committed) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(
                p -> byTopic.computeIfAbsent(p.topic(), t -> new ArrayList<>()).add(p.partition()));
        List<Uni<List<PartitionLag>>> perTopic = new ArrayList<>();
        byTopic.forEach((name, ps) -> perTopic.add(metadata.topic(name).flatMap(topic -> {
            if (topic.isEmpty()) {
                return Uni.createFrom().item(List.<PartitionLag>of()); // deleted since: nothing to measure
            }
            List<Integer> existing =
                    ps.stream().filter(p -> p < topic.get().partitions()).toList();
            return metadata.heads(topic.get().id(), existing)
                    .map(heads -> existing.stream()
                            .map(p -> {
                                TopicPartition tp = new TopicPartition(name, p);
                                PartitionHead h = heads.get(p);
                                return new PartitionLag(
                                        tp,
                                        Optional.ofNullable(owners.get(tp)),
                                        Optional.ofNullable(committed.get(tp)),
                                        h.logStartOffset(),
                                        h.nextOffset());
                            })
                            .toList());
        })));
        if (perTopic.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join()
                .all(perTopic)
                .andFailFast()
                .map(lists -> lists.stream().flatMap(List::stream).toList());
    }

    private static String stateName(GroupState state, List<MemberState> live) {
        if (live.isEmpty()) {
            return "empty";
        }
        boolean stable = live.stream()
                .allMatch(m -> m.memberEpoch() == state.groupEpoch()
                        && m.assigned().equals(state.target().partitionsOf(m.memberId())));
        return stable ? "stable" : "reconciling";
    }

    /** Deletes a group with no live members, with its committed offsets. */
    public Uni<Void> delete(String groupName) {
        GroupId group = new GroupId(groupName);
        return withConflictRetry(() -> Uni.combine()
                .all()
                .unis(store.load(group), store.loadClassic(group))
                .asTuple()
                .flatMap(both -> {
                    GroupState state = both.getItem1();
                    if (!state.exists()) {
                        throw unknownGroup(group);
                    }
                    long now = clock.millis();
                    if (state.hasLiveMembers(now) || both.getItem2().hasLiveMembers(now)) {
                        throw notEmpty(group, "a group with live members cannot be deleted");
                    }
                    return store.delete(state);
                }));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** The topics the group's subscriptions (and the request's) may need: every topic if one is a pattern. */
    private Uni<Map<String, Topic>> resolveTopics(GroupState state, Optional<Subscription> incoming) {
        Set<String> named = new LinkedHashSet<>();
        boolean pattern = incoming.map(s -> s.pattern().isPresent()).orElse(false);
        incoming.ifPresent(s -> named.addAll(s.topics()));
        for (MemberState m : state.members().values()) {
            named.addAll(m.subscription().topics());
            pattern |= m.subscription().pattern().isPresent();
        }
        if (pattern) {
            return topics.list().map(all -> {
                Map<String, Topic> out = new HashMap<>();
                all.forEach(t -> out.put(t.name().value(), t));
                return out;
            });
        }
        List<Uni<Optional<Topic>>> reads = named.stream().map(metadata::topic).toList();
        if (reads.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Uni.join().all(reads).andFailFast().map(found -> {
            Map<String, Topic> out = new HashMap<>();
            found.forEach(t -> t.ifPresent(topic -> out.put(topic.name().value(), topic)));
            return out;
        });
    }

    private static Map<String, Integer> counts(Map<String, Topic> known) {
        Map<String, Integer> out = new HashMap<>();
        known.forEach((name, t) -> out.put(name, t.partitions()));
        return out;
    }

    private Uni<HeartbeatReply> reply(
            GroupId group, Heartbeat hb, GroupCoordinator.HeartbeatResult result, Map<String, Topic> known) {
        SortedSet<TopicPartition> assignment = result.assignment();
        SortedSet<TopicPartition> fresh = new TreeSet<>(assignment);
        fresh.removeAll(hb.owned().orElse(Set.of()));
        return startOffsets(group, fresh, result.member().offsetReset(), known)
                .map(starts -> new HeartbeatReply(
                        hb.memberId(),
                        result.member().memberEpoch(),
                        settings.heartbeatInterval().toMillis(),
                        assignment,
                        starts,
                        result.revoke(),
                        result.pending()));
    }

    private Uni<List<StartOffset>> startOffsets(
            GroupId group, SortedSet<TopicPartition> partitions, OffsetReset reset, Map<String, Topic> known) {
        if (partitions.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return store.offsets(group, partitions).flatMap(committed -> {
            List<Uni<StartOffset>> out = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                CommittedOffset c = committed.get(tp);
                Topic topic = known.get(tp.topic());
                if (c != null) {
                    out.add(Uni.createFrom().item(new StartOffset(tp, Optional.of(c.offset()), true)));
                } else if (reset == OffsetReset.NONE || topic == null) {
                    out.add(Uni.createFrom().item(new StartOffset(tp, Optional.empty(), false)));
                } else {
                    out.add(metadata.heads(topic.id(), List.of(tp.partition())).map(h -> {
                        PartitionHead head = h.get(tp.partition());
                        long start = reset == OffsetReset.EARLIEST ? head.logStartOffset() : head.nextOffset();
                        return new StartOffset(tp, Optional.of(start), false);
                    }));
                }
            }
            return Uni.join().all(out).andFailFast();
        });
    }

    private Uni<Void> checkPartitions(List<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(
                p -> byTopic.computeIfAbsent(p.topic(), t -> new ArrayList<>()).add(p.partition()));
        List<Uni<Void>> checks = new ArrayList<>();
        byTopic.forEach((name, ps) -> checks.add(topics.require(name)
                .invoke(t -> ps.forEach(p -> TopicService.checkPartition(t, p)))
                .replaceWithVoid()));
        return Uni.join().all(checks).andFailFast().replaceWithVoid();
    }

    /** Retries a lost race (only that: the store has retried its own retryable failures already). */
    private <T> Uni<T> withConflictRetry(Supplier<Uni<T>> attempt) {
        return settings.conflictRetry()
                .apply(Uni.createFrom().deferred(attempt::get), t -> t instanceof GroupConflictException);
    }

    private static void checkAssignor(String name) {
        try {
            Assignors.byName(name);
        } catch (IllegalArgumentException e) {
            throw new EddyException(ErrorCode.INVALID_REQUEST, e.getMessage(), Map.of("field", "assignor"));
        }
    }

    private static EddyException unknownGroup(GroupId group) {
        return new EddyException(
                ErrorCode.UNKNOWN_GROUP, "group '" + group + "' does not exist", Map.of("group", group.value()));
    }

    private static EddyException notEmpty(GroupId group, String message) {
        return new EddyException(ErrorCode.GROUP_NOT_EMPTY, message, Map.of("group", group.value()));
    }
}
