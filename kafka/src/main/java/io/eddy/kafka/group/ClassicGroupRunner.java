package io.eddy.kafka.group;

import io.eddy.core.error.GroupConflictException;
import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicGroups;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupSettings;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the classic protocol's decisions against the store, leaderless: load the group, let the coordinator
 * advance it and decide, write the result over the version loaded; a lost race reloads and decides again. A
 * request that must wait for other members (a JoinGroup before the rebalance completes, a follower's SyncGroup
 * before the leader's) reads the group again, advancing it, until its answer is there: whichever instance reads
 * first completes a rebalance that is due, so no instance owns a group. Never blocks (waits are timers).
 * Thread-safe.
 */
final class ClassicGroupRunner {
    private final ClassicGroups groups;
    private final ClassicCoordinator coordinator;
    private final ClassicSettings settings;
    private final Clock clock;

    ClassicGroupRunner(ClassicGroups groups, ClassicCoordinator coordinator, ClassicSettings settings, Clock clock) {
        this.groups = groups;
        this.coordinator = coordinator;
        this.settings = settings;
        this.clock = clock;
    }

    /** A decision: the group to write ({@code after}, the one given when nothing changes) and the answer. */
    record Step<T>(ClassicGroup after, T result) {}

    ClassicCoordinator coordinator() {
        return coordinator;
    }

    ClassicGroups groups() {
        return groups;
    }

    long now() {
        return clock.millis();
    }

    /**
     * Loads, advances, decides ({@code decide} gets the advanced group and the time) and writes; the step
     * returned holds the group as written.
     */
    <T> Uni<Step<T>> update(GroupId group, BiFunction<ClassicGroup, Long, Step<T>> decide) {
        return retryConflicts(() -> groups.load(group).flatMap(loaded -> {
            long now = clock.millis();
            Step<T> step = decide.apply(coordinator.advance(loaded, now), now);
            if (step.after() == loaded || step.after().equals(loaded)) {
                return Uni.createFrom().item(new Step<>(loaded, step.result()));
            }
            ClassicGroup written = step.after().nextVersion();
            return groups.save(loaded, written).replaceWith(new Step<>(written, step.result()));
        }));
    }

    /**
     * Reads the group (advancing it) until {@code ready} answers or {@code deadlineMs} passes ({@code late}
     * answers then), waiting a little longer between reads each time.
     */
    <T> Uni<T> await(GroupId group, long deadlineMs, Function<ClassicGroup, Optional<T>> ready, Supplier<T> late) {
        return await(group, deadlineMs, ready, late, settings.firstPoll());
    }

    private <T> Uni<T> await(
            GroupId group,
            long deadlineMs,
            Function<ClassicGroup, Optional<T>> ready,
            Supplier<T> late,
            Duration wait) {
        return update(group, (g, now) -> new Step<>(g, ready.apply(g))).flatMap(step -> {
            if (step.result().isPresent()) {
                return Uni.createFrom().item(step.result().get());
            }
            if (clock.millis() >= deadlineMs) {
                return Uni.createFrom().item(late.get());
            }
            Duration next =
                    wait.multipliedBy(2).compareTo(settings.maxPoll()) > 0 ? settings.maxPoll() : wait.multipliedBy(2);
            return Uni.createFrom()
                    .voidItem()
                    .onItem()
                    .delayIt()
                    .by(wait)
                    .flatMap(ignored -> await(group, deadlineMs, ready, late, next));
        });
    }

    static <T> Uni<T> retryConflicts(Supplier<Uni<T>> attempt) {
        return GroupSettings.DEFAULT_CONFLICT_RETRY.apply(
                Uni.createFrom().deferred(attempt::get), t -> t instanceof GroupConflictException);
    }
}
