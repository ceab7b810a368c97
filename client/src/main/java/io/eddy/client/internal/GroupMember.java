package io.eddy.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.client.EddyClientException;
import io.eddy.client.TopicPartition;
import io.eddy.client.http.EddyHttp;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A consumer's membership in a group (docs/consumer-groups.md): a background thread joins and heartbeats,
 * reporting what the consumer owns; the consumer's polling thread takes {@link #snapshot()}s of the latest answer
 * and reconciles (revokes, then assigns) on its own thread, then reports what it owns with {@link #owned}.
 *
 * <p>Heartbeats go every {@code heartbeat_interval_ms} the server gives, but at least three times per session
 * (so a short {@code session.timeout.ms} is safe), sooner while a hand-over is under way, and at once after the
 * consumer reports a change. {@code unknown_member}, {@code stale_member_epoch} or {@code fenced_instance_id}
 * mean the member was removed: its partitions are lost, it joins again with epoch 0. So does a session since
 * the last answered heartbeat was sent (the server may have expired the member by then), checked by each
 * heartbeat that fails and by each {@link #snapshot()}, which the consumer takes before it returns records. A
 * static member's join refused with {@code unreleased_instance_id} (the instance's previous member still lives)
 * is retried, as every retryable failure is, until that member has left or its session has run out.
 * Thread-safe.
 */
public final class GroupMember {
    private static final System.Logger LOG = System.getLogger(GroupMember.class.getName());
    private static final Set<String> FENCED = Set.of("unknown_member", "stale_member_epoch", "fenced_instance_id");

    /** Settings for joining. */
    public record Settings(
            String group,
            String memberId,
            Optional<String> instanceId,
            List<String> topics,
            Optional<Pattern> pattern,
            long sessionTimeoutMs,
            long rebalanceTimeoutMs,
            String autoOffsetReset,
            Optional<String> assignor) {}

    /** Where to start a newly assigned partition: an offset, or none (seek, as {@code auto_offset_reset=none}). */
    public record Start(Long offset, boolean committed) {}

    /**
     * The latest answer as the polling thread sees it: whether the member lost its partitions since the last
     * snapshot, the assignment (partitions with start information when the member did not own them), and a
     * generation for {@link #owned}.
     */
    public record Snapshot(boolean lost, Map<TopicPartition, Optional<Start>> assignment, long generation) {}

    private final EddyHttp http;
    private final Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private long epoch;
    private Set<TopicPartition> owned = new HashSet<>();
    private Map<TopicPartition, Optional<Start>> assignment;
    private boolean handOver;
    private boolean lost;
    private long generation;
    private boolean now;
    private volatile boolean running = true;
    private long intervalMs = 1_000;
    private final Clock clock;
    /** When the last heartbeat that was answered was sent: the server's session ends no sooner than a session after. */
    private long lastSuccessSentMs;

    public GroupMember(EddyHttp http, Settings settings, Clock clock) {
        this.http = http;
        this.settings = settings;
        this.clock = clock;
        this.lastSuccessSentMs = clock.millis();
        this.thread = new Thread(this::run, "eddy-heartbeat-" + settings.group() + "-" + settings.memberId());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public String memberId() {
        return settings.memberId();
    }

    public long epoch() {
        lock.lock();
        try {
            return epoch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The latest answer; the consumer takes one before it returns records. A member none of whose heartbeats sent in
     * the last session was answered (cut off, or the answers are late) has lost its partitions, whatever the
     * heartbeat thread is waiting for.
     */
    public Snapshot snapshot() {
        lock.lock();
        try {
            loseIfSessionCanHaveExpired();
            boolean wasLost = lost;
            lost = false;
            return new Snapshot(wasLost, assignment == null ? null : Map.copyOf(assignment), generation);
        } finally {
            lock.unlock();
        }
    }

    /** What the consumer owns now; ignored if the member lost its partitions after the snapshot was taken. */
    public void owned(long generation, Set<TopicPartition> partitions) {
        lock.lock();
        try {
            if (generation == this.generation) {
                owned = new HashSet<>(partitions);
                now = true;
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** After a commit was refused as from a removed member: treat the partitions as lost and join again. */
    public void fenced() {
        lock.lock();
        try {
            loseAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The server ends the session a session after it received the last heartbeat it answered, so no sooner than a
     * session after that heartbeat was sent: from then on another member may own the partitions, and this one must
     * neither deliver their records nor commit. Call with the lock held.
     */
    private void loseIfSessionCanHaveExpired() {
        if (epoch != 0 && clock.millis() - lastSuccessSentMs >= settings.sessionTimeoutMs()) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "no heartbeat of member " + settings.memberId() + " sent in the last "
                            + settings.sessionTimeoutMs()
                            + " ms was answered: its session may have expired, its partitions "
                            + "are lost");
            loseAll();
        }
    }

    private void loseAll() {
        epoch = 0;
        owned = new HashSet<>();
        assignment = null;
        lost = true;
        generation++;
        now = true;
        wake.signalAll();
    }

    /** Stops heartbeating; with {@code leave}, leaves the group so its partitions move at once. */
    public void close(boolean leave) {
        running = false;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (leave) {
            try {
                EddyHttp.await(http.send("DELETE", path(), null, null, Map.of()).thenApply(EddyHttp::jsonOrThrow));
            } catch (EddyClientException e) {
                LOG.log(System.Logger.Level.DEBUG, "leaving group " + settings.group() + " failed: " + e.getMessage());
            }
        }
    }

    private String path() {
        return "v1/groups/" + EddyHttp.segment(settings.group()) + "/members/" + EddyHttp.segment(settings.memberId());
    }

    private void run() {
        while (running) {
            ObjectNode body;
            lock.lock();
            try {
                body = body();
            } finally {
                lock.unlock();
            }
            long delay;
            long sentMs = clock.millis();
            try {
                JsonNode reply = EddyHttp.await(http.json("PUT", path(), body));
                delay = answered(reply, sentMs);
            } catch (EddyClientException e) {
                delay = failed(e);
            }
            lock.lock();
            try {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
                while (running && !now) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    wake.awaitNanos(left);
                }
                now = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private ObjectNode body() {
        ObjectNode b = JsonNodeFactory.instance.objectNode().put("member_epoch", epoch);
        if (settings.pattern().isPresent()) {
            b.put("topic_pattern", settings.pattern().get().pattern());
        } else {
            ArrayNode topics = b.putArray("topics");
            settings.topics().forEach(topics::add);
        }
        ArrayNode o = b.putArray("owned");
        owned.stream()
                .sorted()
                .forEach(tp -> o.addObject().put("topic", tp.topic()).put("partition", tp.partition()));
        settings.instanceId().ifPresent(i -> b.put("instance_id", i));
        b.put("session_timeout_ms", settings.sessionTimeoutMs())
                .put("rebalance_timeout_ms", settings.rebalanceTimeoutMs())
                .put("auto_offset_reset", settings.autoOffsetReset());
        settings.assignor().ifPresent(a -> b.put("assignor", a));
        return b;
    }

    private long answered(JsonNode reply, long sentMs) {
        lock.lock();
        try {
            lastSuccessSentMs = sentMs;
            epoch = reply.get("member_epoch").asLong();
            intervalMs = Math.max(
                    50, Math.min(reply.path("heartbeat_interval_ms").asLong(5_000), settings.sessionTimeoutMs() / 3));
            Map<TopicPartition, Optional<Start>> next = new HashMap<>();
            for (JsonNode p : reply.path("assignment")) {
                TopicPartition tp = new TopicPartition(
                        p.get("topic").asText(), p.get("partition").asInt());
                Optional<Start> start = p.has("committed")
                        ? Optional.of(new Start(
                                p.get("offset").isNull()
                                        ? null
                                        : p.get("offset").asLong(),
                                p.get("committed").asBoolean()))
                        : Optional.empty();
                next.put(tp, start);
            }
            assignment = next;
            handOver = reply.path("revoke").size() > 0 || reply.path("pending").size() > 0;
            return handOver ? Math.min(intervalMs, 200) : intervalMs;
        } finally {
            lock.unlock();
        }
    }

    private long failed(EddyClientException e) {
        lock.lock();
        try {
            if (FENCED.contains(e.code())) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "member " + settings.memberId() + " of group " + settings.group() + " was removed (" + e.code()
                                + "); joining again");
                loseAll();
                return 0;
            }
            loseIfSessionCanHaveExpired();
            LOG.log(System.Logger.Level.DEBUG, "heartbeat failed: " + e.getMessage());
            return e.retryable() ? Math.min(intervalMs, 250) : Math.max(intervalMs, 1_000);
        } finally {
            lock.unlock();
        }
    }
}
