package io.eddy.core.produce.lease;

import io.eddy.core.error.EddyException;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.storage.MetadataStore;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance's leader leases, per partition: taken on first write, renewed by every commit, retaken after
 * expiry with the epoch one higher. Thread-safe.
 */
public final class Leases implements LeaderLeases {
    private final MetadataStore metadata;
    private final String owner;
    private final Duration duration;
    private final Duration margin;
    private final Clock clock;
    private final Map<Key, LeaseState> states = new ConcurrentHashMap<>();
    private final Map<Key, CompletableFuture<Optional<LeaseState.Held>>> acquiring = new ConcurrentHashMap<>();

    /**
     * @param owner    this instance's unique name
     * @param duration how long a grant or a commit keeps the lease
     * @param margin   a lease closer than this to its expiry is not relied on (clock skew, slow commits)
     */
    public Leases(MetadataStore metadata, String owner, Duration duration, Duration margin, Clock clock) {
        if (margin.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("the lease margin must be shorter than the lease");
        }
        this.metadata = metadata;
        this.owner = owner;
        this.duration = duration;
        this.margin = margin;
        this.clock = clock;
    }

    public String owner() {
        return owner;
    }

    public LeaseState state(Key key) {
        return states.getOrDefault(key, new LeaseState.Unheld());
    }

    /**
     * The lease to commit under, taking it if it is free or expired; empty when another instance holds it (the
     * caller then commits optimistically, reading the head).
     */
    @Override
    public Uni<Optional<LeaseState.Held>> ensure(Key key) {
        long now = clock.millis();
        LeaseState state = state(key);
        if (state instanceof LeaseState.Held held && held.usable(now, margin.toMillis())) {
            return Uni.createFrom().item(Optional.of(held));
        }
        if (state instanceof LeaseState.Lost lost && now < lost.retryAfterMs()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return Uni.createFrom().deferred(() -> acquire(key, now));
    }

    /**
     * One acquisition per partition at a time: overlapping flushes of a partition share it rather than each
     * bumping the epoch (and fencing the others' decisions). An acquisition that fails retryably (typically
     * DynamoDB's transaction conflict with this instance's own commit in flight on the head) leaves this flush
     * optimistic and the next one tries again.
     */
    private Uni<Optional<LeaseState.Held>> acquire(Key key, long now) {
        CompletableFuture<Optional<LeaseState.Held>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<LeaseState.Held>> running = acquiring.putIfAbsent(key, mine);
        if (running != null) {
            return Uni.createFrom().completionStage(running.copy());
        }
        metadata.acquireLease(key.topicId(), key.partition(), owner, now, now + duration.toMillis())
                .map(granted -> {
                    if (granted.isEmpty()) {
                        // another owner's live lease: its expiry is unknown without a read; retry after one term
                        states.put(key, new LeaseState.Lost(now + duration.toMillis()));
                        return Optional.<LeaseState.Held>empty();
                    }
                    LeaseState.Held held = (LeaseState.Held) LeaseState.granted(granted.get());
                    states.put(key, held);
                    return Optional.of(held);
                })
                .onFailure(t -> t instanceof EddyException e && e.retryable())
                .recoverWithItem(Optional.empty())
                .subscribe()
                .with(
                        held -> {
                            acquiring.remove(key, mine);
                            mine.complete(held);
                        },
                        failure -> {
                            acquiring.remove(key, mine);
                            mine.completeExceptionally(failure);
                        });
        return Uni.createFrom().completionStage(mine.copy());
    }

    @Override
    public long renewedUntil() {
        return clock.millis() + duration.toMillis();
    }

    /**
     * Applied to the lease as it is now if it still has {@code held}'s epoch: with pipelined flushes it has
     * usually moved on (renewed, the head advanced) since the commit was decided under {@code held}; one
     * partition's commits land in order, so the last applied is the newest.
     */
    @Override
    public void committed(Key key, LeaseState.Held held, long next, long renewedUntilMs) {
        states.computeIfPresent(
                key,
                (k, now) -> now instanceof LeaseState.Held h && h.epoch() == held.epoch()
                        ? h.committed(next, renewedUntilMs)
                        : now);
    }

    /** Applied to the lease as it is now if it still has {@code held}'s epoch (see {@link #committed}). */
    @Override
    public void conflicted(Key key, LeaseState.Held held) {
        states.computeIfPresent(
                key, (k, now) -> now instanceof LeaseState.Held h && h.epoch() == held.epoch() ? h.conflicted() : now);
    }

    @Override
    public boolean headRead(Key key, LeaseState.Held held, PartitionHead head) {
        LeaseState next = held.headRead(head, owner);
        states.replace(key, held, next);
        return next instanceof LeaseState.Held;
    }
}
