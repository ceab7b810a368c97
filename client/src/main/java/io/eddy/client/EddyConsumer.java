package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.client.http.EddyHttp;
import io.eddy.client.http.HttpTransport;
import io.eddy.client.internal.GroupMember;
import io.eddy.client.internal.KafkaBatches;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records from Eddy as Kafka's consumer does: in a group ({@link #subscribe}) with the server assigning
 * partitions and moving them cooperatively, or on partitions chosen by hand ({@link #assign}) with no group.
 *
 * <pre>{@code
 * try (var consumer = new EddyConsumer<>(Map.of("group.id", "billing"), new StringDeserializer(), new StringDeserializer())) {
 *     consumer.subscribe(List.of("orders"));
 *     while (running) {
 *         for (var r : consumer.poll(Duration.ofSeconds(1))) { handle(r); }
 *     }
 * }
 * }</pre>
 *
 * <p>At least once by default: with {@code enable.auto.commit} (true) each {@code poll} commits, every
 * {@code auto.commit.interval.ms}, the offsets of records an earlier poll returned, and revoked partitions are
 * committed before they are given up; so a record is committed only after the application had it. Records come
 * through the binary fetch (stored Kafka batches, decoded here), prefetched per partition with long polls.
 *
 * <p>Settings (besides {@link ClientConfig}'s): {@code group.id}, {@code group.instance.id} (static membership),
 * {@code client.id} (the member id; default a random UUID), {@code enable.auto.commit} (true),
 * {@code auto.commit.interval.ms} (5000), {@code auto.offset.reset} ({@code latest}; earliest, none),
 * {@code session.timeout.ms} (45000), {@code max.poll.interval.ms} (300000: the time allowed to revoke),
 * {@code max.poll.records} (500), {@code fetch.max.wait.ms} (500), {@code max.partition.fetch.bytes} (1048576),
 * {@code group.remote.assignor} (the server's default).
 *
 * <p>Not thread-safe, as Kafka's: one thread polls; listener callbacks run on it inside {@code poll}. A
 * background thread heartbeats. A member cut off from the server stops returning records once a session has
 * passed since its last answered heartbeat was sent (the server may have given its partitions away by then):
 * {@code poll} calls {@link RebalanceListener#onPartitionsLost} and returns nothing until it has joined again.
 */
public final class EddyConsumer<K, V> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EddyConsumer.class.getName());
    static final Map<String, Object> DEFAULTS = Map.ofEntries(
            Map.entry("group.id", ""),
            Map.entry("group.instance.id", ""),
            Map.entry("client.id", ""),
            Map.entry("enable.auto.commit", true),
            Map.entry("auto.commit.interval.ms", 5_000L),
            Map.entry("auto.offset.reset", "latest"),
            Map.entry("session.timeout.ms", 45_000L),
            Map.entry("max.poll.interval.ms", 300_000L),
            Map.entry("max.poll.records", 500L),
            Map.entry("fetch.max.wait.ms", 500L),
            Map.entry("max.partition.fetch.bytes", 1_048_576L),
            Map.entry("group.remote.assignor", ""));
    private static final Set<String> FENCED = Set.of("unknown_member", "stale_member_epoch", "fenced_instance_id");

    private final ClientConfig config;
    private final EddyHttp http;
    private final Deserializer<K> keys;
    private final Deserializer<V> values;
    private final String memberId;
    private final boolean autoCommit;
    private final String offsetReset;
    private final Clock clock;
    private GroupMember member;
    private RebalanceListener listener = RebalanceListener.NONE;
    private long generation;
    /** Owned (or assigned) partitions and the next offset to return; {@code null} until reset. */
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();

    private final Map<TopicPartition, Long> committed = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<TopicPartition, Deque<KafkaBatches.Decoded>> buffered = new HashMap<>();
    private final Map<TopicPartition, CompletableFuture<?>> fetching = new HashMap<>();
    private final LinkedBlockingQueue<Fetched> arrived = new LinkedBlockingQueue<>();
    private long nextAutoCommitMs;
    private boolean closed;

    private record Fetched(TopicPartition tp, long offset, HttpTransport.Response response, Throwable error) {}

    public EddyConsumer(Map<String, ?> config, Deserializer<K> keys, Deserializer<V> values) {
        this(config, keys, values, null);
    }

    /** With a transport of the caller's (a proxy, a test's fault injector); the consumer closes it. */
    public EddyConsumer(Map<String, ?> config, Deserializer<K> keys, Deserializer<V> values, HttpTransport transport) {
        this(config, keys, values, transport, Clock.systemUTC());
    }

    /** With a transport and a clock of the caller's: the clock measures sessions and auto-commit intervals. */
    public EddyConsumer(
            Map<String, ?> config, Deserializer<K> keys, Deserializer<V> values, HttpTransport transport, Clock clock) {
        this.clock = clock;
        this.config = new ClientConfig(config, DEFAULTS);
        this.offsetReset = this.config.string("auto.offset.reset");
        if (!Set.of("earliest", "latest", "none").contains(offsetReset)) {
            throw new IllegalArgumentException(
                    "auto.offset.reset must be earliest, latest or none, not '" + offsetReset + "'");
        }
        HttpTransport t = transport != null ? transport : EddyHttp.transport(this.config);
        this.http = new EddyHttp(this.config.url(), t);
        this.keys = keys;
        this.values = values;
        String client = this.config.string("client.id");
        this.memberId = client.isEmpty() ? "eddy-" + UUID.randomUUID() : client;
        this.autoCommit = this.config.bool("enable.auto.commit");
        this.nextAutoCommitMs = clock.millis() + this.config.number("auto.commit.interval.ms");
    }

    // ---- subscription and assignment ------------------------------------------------------------------------

    public void subscribe(Collection<String> topics) {
        subscribe(topics, RebalanceListener.NONE);
    }

    public void subscribe(Collection<String> topics, RebalanceListener listener) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("subscribe to at least one topic (unsubscribe() to stop)");
        }
        join(List.copyOf(topics), Optional.empty(), listener);
    }

    /** Subscribes to every topic whose whole name matches, now and as topics are created. */
    public void subscribe(Pattern pattern, RebalanceListener listener) {
        join(List.of(), Optional.of(pattern), listener);
    }

    private void join(List<String> topics, Optional<Pattern> pattern, RebalanceListener listener) {
        ensureOpen();
        String group = config.string("group.id");
        if (group.isEmpty()) {
            throw new IllegalStateException("subscribe needs group.id; use assign(...) to read without a group");
        }
        if (member != null || !positions.isEmpty()) {
            unsubscribe();
        }
        String instance = config.string("group.instance.id");
        String assignor = config.string("group.remote.assignor");
        this.listener = listener == null ? RebalanceListener.NONE : listener;
        this.member = new GroupMember(
                http,
                new GroupMember.Settings(
                        group,
                        memberId,
                        instance.isEmpty() ? Optional.empty() : Optional.of(instance),
                        topics,
                        pattern,
                        config.number("session.timeout.ms"),
                        config.number("max.poll.interval.ms"),
                        offsetReset,
                        assignor.isEmpty() ? Optional.empty() : Optional.of(assignor)),
                clock);
    }

    /** Reads the given partitions without a group, from the offsets given by {@link #seek} or {@code auto.offset.reset}. */
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        if (member != null) {
            unsubscribe();
        }
        positions.keySet().retainAll(partitions);
        partitions.forEach(tp -> positions.putIfAbsent(tp, null));
        buffered.keySet().retainAll(partitions);
    }

    /** Leaves the group (committing first with auto-commit) or drops the manual assignment. */
    public void unsubscribe() {
        if (member != null) {
            Set<TopicPartition> owned = new LinkedHashSet<>(positions.keySet());
            if (autoCommit) {
                commitQuietly(owned);
            }
            if (!owned.isEmpty()) {
                listener.onPartitionsRevoked(owned);
            }
            member.close(true);
            member = null;
        }
        positions.clear();
        buffered.clear();
    }

    /** The partitions this consumer reads now. */
    public Set<TopicPartition> assignment() {
        return Set.copyOf(positions.keySet());
    }

    /** The member id this consumer uses in its group. */
    public String memberId() {
        return memberId;
    }

    // ---- positions -----------------------------------------------------------------------------------------

    public void seek(TopicPartition tp, long offset) {
        requireAssigned(tp);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be ≥ 0, not " + offset);
        }
        positions.put(tp, offset);
        buffered.remove(tp);
    }

    public void seekToBeginning(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> seek(tp, listOffset(tp, "earliest")));
    }

    public void seekToEnd(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> seek(tp, listOffset(tp, "latest")));
    }

    /** The offset of the next record {@code poll} returns for the partition. */
    public long position(TopicPartition tp) {
        requireAssigned(tp);
        Long p = positions.get(tp);
        if (p == null) {
            p = resetOffset(tp);
            positions.put(tp, p);
        }
        return p;
    }

    private void requireAssigned(TopicPartition tp) {
        if (!positions.containsKey(tp)) {
            throw new IllegalStateException(tp + " is not assigned to this consumer");
        }
    }

    private long listOffset(TopicPartition tp, String at) {
        JsonNode r = EddyHttp.await(http.json(
                "GET",
                "v1/topics/" + EddyHttp.segment(tp.topic()) + "/partitions/" + tp.partition() + "/offsets?at=" + at,
                null));
        return r.get("offset").asLong();
    }

    private long resetOffset(TopicPartition tp) {
        if (offsetReset.equals("none")) {
            throw new EddyClientException(
                    "no_offset",
                    0,
                    false,
                    "no committed offset for " + tp + " and auto.offset.reset=none: seek first",
                    null,
                    null);
        }
        return listOffset(tp, offsetReset);
    }

    // ---- poll ------------------------------------------------------------------------------------------------

    /**
     * Returns the records available now, waiting up to {@code timeout} for some; runs rebalance callbacks and
     * auto-commits on this thread.
     */
    public List<ConsumerRecord<K, V>> poll(Duration timeout) {
        ensureOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (member != null) {
                reconcile();
            }
            maybeAutoCommit();
            List<ConsumerRecord<K, V>> out = drain();
            if (!out.isEmpty()) {
                startFetches();
                return out;
            }
            startFetches();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return List.of();
            }
            try {
                Fetched f = arrived.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                while (f != null) {
                    accept(f);
                    f = arrived.poll();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EddyClientException.client(EddyClientException.CLOSED, "interrupted while polling", e);
            }
        }
    }

    private void reconcile() {
        GroupMember.Snapshot s = member.snapshot();
        if (s.lost()) {
            generation = s.generation();
            Set<TopicPartition> lost = new LinkedHashSet<>(positions.keySet());
            positions.clear();
            buffered.clear();
            committed.clear();
            if (!lost.isEmpty()) {
                listener.onPartitionsLost(lost);
            }
        }
        generation = s.generation();
        if (s.assignment() == null) {
            return;
        }
        Set<TopicPartition> revoke = new LinkedHashSet<>(positions.keySet());
        revoke.removeAll(s.assignment().keySet());
        if (!revoke.isEmpty()) {
            if (autoCommit) {
                commitQuietly(revoke);
            }
            listener.onPartitionsRevoked(revoke);
            revoke.forEach(tp -> {
                positions.remove(tp);
                buffered.remove(tp);
                committed.remove(tp);
            });
            member.owned(generation, positions.keySet());
        }
        List<TopicPartition> assigned = new ArrayList<>();
        for (var e : s.assignment().entrySet()) {
            if (positions.containsKey(e.getKey()) || e.getValue().isEmpty()) {
                continue; // owned already, or an answer without where to start: the next heartbeat brings it
            }
            GroupMember.Start start = e.getValue().get();
            positions.put(e.getKey(), start.offset());
            if (start.committed() && start.offset() != null) {
                committed.put(e.getKey(), start.offset());
            }
            assigned.add(e.getKey());
        }
        if (!assigned.isEmpty()) {
            assigned.sort(null);
            member.owned(generation, positions.keySet());
            listener.onPartitionsAssigned(assigned);
        }
    }

    private List<ConsumerRecord<K, V>> drain() {
        int max = config.integer("max.poll.records");
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        for (var e : buffered.entrySet()) {
            TopicPartition tp = e.getKey();
            Deque<KafkaBatches.Decoded> q = e.getValue();
            while (!q.isEmpty() && out.size() < max) {
                KafkaBatches.Decoded d = q.pollFirst();
                out.add(new ConsumerRecord<>(
                        tp.topic(),
                        tp.partition(),
                        d.offset(),
                        d.timestamp(),
                        keys.deserialize(tp.topic(), d.key()),
                        values.deserialize(tp.topic(), d.value()),
                        d.headers()));
                positions.put(tp, d.offset() + 1);
            }
        }
        buffered.values().removeIf(Deque::isEmpty);
        return out;
    }

    private void startFetches() {
        for (var e : positions.entrySet()) {
            TopicPartition tp = e.getKey();
            if (fetching.containsKey(tp) || buffered.containsKey(tp)) {
                continue;
            }
            Long offset = e.getValue();
            if (offset == null) {
                offset = resetOffset(tp);
                e.setValue(offset);
            }
            long from = offset;
            String path =
                    "v1/topics/" + EddyHttp.segment(tp.topic()) + "/partitions/" + tp.partition() + "/records?offset="
                            + from + "&max_bytes=" + config.number("max.partition.fetch.bytes") + "&wait_ms="
                            + config.number("fetch.max.wait.ms");
            CompletableFuture<HttpTransport.Response> f =
                    http.send("GET", path, null, null, Map.of("Accept", EddyHttp.BATCHES));
            fetching.put(tp, f);
            f.whenComplete((r, error) -> arrived.add(new Fetched(tp, from, r, error)));
        }
    }

    private void accept(Fetched f) {
        fetching.remove(f.tp());
        Long position = positions.get(f.tp());
        if (position == null || position != f.offset() || buffered.containsKey(f.tp())) {
            return; // revoked, or sought elsewhere meanwhile
        }
        if (f.error() != null) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "fetch of " + f.tp() + " failed: " + f.error().getMessage());
            return; // fetched again on the next poll
        }
        HttpTransport.Response r = f.response();
        if (r.status() == 200) {
            List<KafkaBatches.Decoded> records = KafkaBatches.decode(r.body(), f.offset());
            if (!records.isEmpty()) {
                buffered.put(f.tp(), new ArrayDeque<>(records));
            } else {
                r.header("Eddy-Next-Offset")
                        .map(Long::parseLong)
                        .filter(n -> n > position)
                        .ifPresent(n -> positions.put(f.tp(), n)); // stepped over a compaction gap
            }
            return;
        }
        EddyClientException e = EddyHttp.problem(r);
        if (e.code().equals("offset_out_of_range") && !offsetReset.equals("none")) {
            JsonNode p = e.problem();
            long to = offsetReset.equals("earliest")
                    ? p.path("log_start_offset").asLong()
                    : p.path("high_watermark").asLong();
            LOG.log(
                    System.Logger.Level.INFO,
                    "offset " + f.offset() + " of " + f.tp() + " is out of range; reset to " + to);
            positions.put(f.tp(), to);
            return;
        }
        if (!e.retryable()) {
            throw e;
        }
    }

    // ---- commits -----------------------------------------------------------------------------------------------

    /** Commits the position of every owned partition (the offset after the last record {@code poll} returned). */
    public void commitSync() {
        commitSync(currentPositions(positions.keySet()));
    }

    /** Commits the given next offsets to consume. Refused commits throw; a fenced member then rejoins. */
    public void commitSync(Map<TopicPartition, Long> offsets) {
        EddyHttp.await(commit(offsets));
    }

    /** Commits positions without waiting; the callback gets the offsets and the failure or null. */
    public void commitAsync(BiConsumer<Map<TopicPartition, Long>, Throwable> callback) {
        Map<TopicPartition, Long> offsets = currentPositions(positions.keySet());
        commit(offsets).whenComplete((ok, error) -> {
            if (callback != null) {
                callback.accept(offsets, error == null ? null : EddyHttp.unwrap(error));
            }
        });
    }

    /** The offsets this consumer committed (or found committed when assigned), per partition it owns. */
    public Map<TopicPartition, Long> committed() {
        return Map.copyOf(committed);
    }

    private Map<TopicPartition, Long> currentPositions(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            Long p = positions.get(tp);
            if (p != null && !p.equals(committed.get(tp))) {
                out.put(tp, p);
            }
        }
        return out;
    }

    private CompletableFuture<Void> commit(Map<TopicPartition, Long> offsets) {
        if (member == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "commits need a group: subscribe(...) with group.id (assign(...) reads without one)"));
        }
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        ObjectNode body =
                JsonNodeFactory.instance.objectNode().put("member_id", memberId).put("member_epoch", member.epoch());
        ArrayNode list = body.putArray("offsets");
        offsets.forEach((tp, o) -> list.addObject()
                .put("topic", tp.topic())
                .put("partition", tp.partition())
                .put("offset", o));
        GroupMember m = member;
        return http.json("POST", "v1/groups/" + EddyHttp.segment(config.string("group.id")) + "/offsets", body)
                .handle((ok, error) -> {
                    if (error != null) {
                        Throwable cause = EddyHttp.unwrap(error);
                        if (cause instanceof EddyClientException e && FENCED.contains(e.code())) {
                            m.fenced();
                        }
                        throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
                    }
                    offsets.forEach(committed::put);
                    return null;
                });
    }

    private void commitQuietly(Collection<TopicPartition> partitions) {
        try {
            commitSync(currentPositions(partitions));
        } catch (EddyClientException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "commit of " + partitions + " failed (" + e.code() + "): " + e.getMessage());
        }
    }

    private void maybeAutoCommit() {
        long now = clock.millis();
        if (!autoCommit || member == null || now < nextAutoCommitMs) {
            return;
        }
        nextAutoCommitMs = now + config.number("auto.commit.interval.ms");
        Map<TopicPartition, Long> offsets = currentPositions(positions.keySet());
        commit(offsets).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "auto-commit failed: " + EddyHttp.unwrap(error).getMessage());
            }
        });
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the consumer is closed");
        }
    }

    /** Commits (with auto-commit), leaves the group and closes the connection pool. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            unsubscribe();
        } finally {
            closed = true;
            // long polls in flight end by themselves within fetch.max.wait.ms; cancelling them would abort their
            // connections mid-request
            fetching.clear();
            http.close();
        }
    }
}
