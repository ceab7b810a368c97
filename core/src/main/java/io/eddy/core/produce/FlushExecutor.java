package io.eddy.core.produce;

import io.eddy.core.cache.BlockCache;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.error.OffsetConflictException;
import io.eddy.core.tail.TailSignals;
import io.eddy.core.format.ChunkBuilder;
import io.eddy.core.format.ChunkLocation;
import io.eddy.core.format.SegmentChunk;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.ProducerState;
import io.eddy.core.produce.lease.LeaseState;
import io.eddy.core.produce.lease.Leases;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.MetadataStore.ProducerKey;
import io.eddy.core.storage.ObjectKeys;
import io.eddy.core.storage.SegmentStore;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Writes a flush — one or many requests — as one segment object and commits it in as few DynamoDB
 * transactions as the partitions allow. Per round: read what the decisions need (heads, unless a lease
 * holder knows them; producer states; producer epochs), decide every run (append, duplicate, refuse), PUT
 * the appended runs once per {@link Acks}, commit. A commit whose condition failed is decided and committed
 * again with fresh reads; the object is rewritten only if the set of appended runs changed. Thread-safe: each
 * flush keeps its own state.
 */
public final class FlushExecutor implements Appender {
    private final MetadataStore metadata;
    private final SegmentStore segments;
    private final ObjectKeys keys;
    private final BlockCache cache;
    private final TailSignals signals;
    private final CommitPolicy policy;
    private final Leases leases;
    private final ProduceMetrics metrics;
    private final Clock clock;
    private final Duration producerExpiry;

    /**
     * @param cache  where the objects just written go, block by block, so a tail read right after needs no GET; null for none
     * @param leases this instance's leader leases (server mode), or null to always commit optimistically
     */
    public FlushExecutor(MetadataStore metadata, SegmentStore segments, ObjectKeys keys, BlockCache cache,
                         TailSignals signals, CommitPolicy policy, Leases leases, ProduceMetrics metrics, Clock clock,
                         Duration producerExpiry) {
        this.metadata = metadata;
        this.segments = segments;
        this.keys = keys;
        this.cache = cache;
        this.signals = signals;
        this.policy = policy;
        this.leases = leases;
        this.metrics = metrics;
        this.clock = clock;
        this.producerExpiry = producerExpiry;
    }

    /**
     * A request waiting in a flush, and where its outcome goes. Equal only to itself: it is a map key on the hot
     * path, and a record's hash would read every byte of the request's batches.
     */
    public static final class Pending {
        private final AppendRequest request;
        private final CompletableFuture<List<Long>> result = new CompletableFuture<>();

        public Pending(AppendRequest request) {
            this.request = request;
        }

        public AppendRequest request() {
            return request;
        }

        public CompletableFuture<List<Long>> result() {
            return result;
        }
    }

    @Override
    public Uni<List<Long>> append(AppendRequest request) {
        return Uni.createFrom().deferred(() -> {
            Pending pending = new Pending(request);
            return flush(List.of(pending)).onItem().transformToUni(ignored -> Uni.createFrom().future(pending.result()));
        });
    }

    /**
     * Runs one flush; completes every pending's result (never fails itself). All share acks and replicas. An
     * atomic request among others is flushed on its own, before them: merged into partition commits shared with
     * other requests, its partitions could need more items than one transaction holds and be split.
     */
    public Uni<Void> flush(List<Pending> pendings) {
        if (pendings.size() > 1 && pendings.stream().anyMatch(p -> p.request().atomic())) {
            List<List<Pending>> flushes = new ArrayList<>();
            List<Pending> others = new ArrayList<>();
            for (Pending p : pendings) {
                if (p.request().atomic()) {
                    flushes.add(List.of(p));
                } else {
                    others.add(p);
                }
            }
            if (!others.isEmpty()) {
                flushes.add(others);
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (List<Pending> f : flushes) {
                chain = chain.flatMap(ignored -> flush(f));
            }
            return chain;
        }
        Flush flush = new Flush(pendings);
        long bytes = pendings.stream().mapToLong(p -> p.request().sizeInBytes()).sum();
        long records = pendings.stream().flatMap(p -> p.request().runs().stream()).mapToLong(PartitionRun::records).sum();
        metrics.flushed(pendings.size(), bytes, records);
        return round(flush, 1)
                .onFailure().invoke(flush::failAll)
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** One run of one request. */
    private record RunRef(Pending pending, int index) {
        PartitionRun run() {
            return pending.request().runs().get(index);
        }

        Leases.Key key() {
            return new Leases.Key(run().topic().id(), run().partition());
        }
    }

    /** A flush's progress across rounds. */
    private static final class Flush {
        final List<Pending> live;
        final Map<RunRef, Long> bases = new HashMap<>();
        Written written;

        Flush(List<Pending> pendings) {
            this.live = new ArrayList<>(pendings);
        }

        List<RunRef> todo() {
            List<RunRef> out = new ArrayList<>();
            for (Pending p : live) {
                for (int i = 0; i < p.request().runs().size(); i++) {
                    RunRef ref = new RunRef(p, i);
                    if (!bases.containsKey(ref)) {
                        out.add(ref);
                    }
                }
            }
            return out;
        }

        void fail(Pending p, Throwable error) {
            live.remove(p);
            p.result().completeExceptionally(error);
        }

        void failAll(Throwable error) {
            for (Pending p : List.copyOf(live)) {
                fail(p, error);
            }
        }

        /** Completes every request whose runs all have offsets. */
        void completeDone() {
            for (Pending p : List.copyOf(live)) {
                List<Long> out = new ArrayList<>();
                for (int i = 0; i < p.request().runs().size(); i++) {
                    Long base = bases.get(new RunRef(p, i));
                    if (base == null) {
                        break;
                    }
                    out.add(base);
                }
                if (out.size() == p.request().runs().size()) {
                    live.remove(p);
                    p.result().complete(out);
                }
            }
        }
    }

    /** What the decisions of a round are based on. */
    private record View(Map<Leases.Key, Long> next, Map<Leases.Key, Boolean> headExists,
                        Map<Leases.Key, LeaseState.Held> held, Map<ProducerKey, ProducerState> states,
                        Map<Long, Short> epochs) {
    }

    private Uni<Void> round(Flush flush, int attempt) {
        List<RunRef> todo = flush.todo();
        if (todo.isEmpty()) {
            flush.completeDone();
            return Uni.createFrom().voidItem();
        }
        return read(flush, todo).flatMap(view -> {
            Decided decided = decide(flush, view);
            flush.completeDone();
            if (decided.appended().isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return write(flush, decided.appended())
                    .flatMap(written -> commit(flush, view, decided, written))
                    .flatMap(conflicted -> {
                        decided.repeats().forEach((repeat, original) -> {
                            Long base = flush.bases.get(original);
                            if (base != null) {
                                metrics.duplicate();
                                flush.bases.put(repeat, base);
                            }
                        });
                        flush.completeDone();
                        if (!conflicted || flush.live.isEmpty()) {
                            return Uni.createFrom().voidItem();
                        }
                        if (attempt >= policy.maxAttempts()) {
                            flush.failAll(new EddyException(ErrorCode.OFFSET_CONFLICT,
                                    "gave up committing after " + attempt + " conflicts with other writers"));
                            return Uni.createFrom().voidItem();
                        }
                        return Uni.createFrom().nullItem().onItem().delayIt().by(backoff(attempt))
                                .flatMap(ignored -> round(flush, attempt + 1));
                    });
        });
    }

    // ---- reads -------------------------------------------------------------------------------------------

    private Uni<View> read(Flush flush, List<RunRef> todo) {
        Set<Leases.Key> partitions = new LinkedHashSet<>();
        Set<ProducerKey> producerKeys = new LinkedHashSet<>();
        Set<Long> producers = new LinkedHashSet<>();
        for (RunRef ref : todo) {
            partitions.add(ref.key());
            ProducerBatch pb = ref.run().producer();
            if (pb != null) {
                producerKeys.add(new ProducerKey(ref.key().topicId(), ref.key().partition(), pb.producerId()));
                producers.add(pb.producerId());
            }
        }
        return leases(partitions).flatMap(held -> {
            Map<UUID, List<Integer>> toRead = new LinkedHashMap<>();
            for (Leases.Key k : partitions) {
                LeaseState.Held h = held.get(k);
                if (h == null || h.nextOffset() < 0) {
                    toRead.computeIfAbsent(k.topicId(), t -> new ArrayList<>()).add(k.partition());
                }
            }
            List<Uni<Map<Leases.Key, PartitionHead>>> headReads = new ArrayList<>();
            toRead.forEach((topicId, ps) -> headReads.add(metadata.heads(topicId, ps).map(m -> {
                Map<Leases.Key, PartitionHead> out = new HashMap<>();
                m.forEach((p, h) -> out.put(new Leases.Key(topicId, p), h));
                return out;
            })));
            Uni<Map<Leases.Key, PartitionHead>> heads = headReads.isEmpty() ? Uni.createFrom().item(Map.of())
                    : Uni.join().all(headReads).andFailFast().map(list -> {
                        Map<Leases.Key, PartitionHead> all = new HashMap<>();
                        list.forEach(all::putAll);
                        return all;
                    });
            return Uni.combine().all().unis(heads, metadata.producerStates(producerKeys), metadata.producerEpochs(producers))
                    .asTuple().map(t -> view(flush, partitions, held, t.getItem1(), t.getItem2(), t.getItem3()));
        });
    }

    private Uni<Map<Leases.Key, LeaseState.Held>> leases(Set<Leases.Key> partitions) {
        if (leases == null) {
            return Uni.createFrom().item(Map.of());
        }
        List<Uni<Map.Entry<Leases.Key, Optional<LeaseState.Held>>>> all = new ArrayList<>();
        for (Leases.Key k : partitions) {
            all.add(leases.ensure(k).map(h -> Map.entry(k, h)));
        }
        return Uni.join().all(all).andFailFast().map(list -> {
            Map<Leases.Key, LeaseState.Held> out = new HashMap<>();
            list.forEach(e -> e.getValue().ifPresent(h -> out.put(e.getKey(), h)));
            return out;
        });
    }

    private View view(Flush flush, Set<Leases.Key> partitions, Map<Leases.Key, LeaseState.Held> held,
                      Map<Leases.Key, PartitionHead> heads, Map<ProducerKey, ProducerState> states,
                      Map<Long, Short> epochs) {
        Map<Leases.Key, Long> next = new HashMap<>();
        Map<Leases.Key, Boolean> exists = new HashMap<>();
        Map<Leases.Key, LeaseState.Held> usable = new HashMap<>();
        for (Leases.Key k : partitions) {
            LeaseState.Held h = held.get(k);
            PartitionHead head = heads.get(k);
            if (h != null && head != null && !leases.headRead(k, h, head)) {
                // fenced: a newer epoch took the lease while this instance was away; it must not write here
                metrics.fenced();
                failRunsOn(flush, k, new EddyException(ErrorCode.NOT_LEADER, "this instance lost its lease on partition "
                        + k.partition() + " to a newer epoch; nothing was written, retry",
                        Map.of("partition", k.partition())));
                continue;
            }
            if (h != null) {
                LeaseState.Held current = head != null ? new LeaseState.Held(h.epoch(), head.lease().expiresAtMs(),
                        head.nextOffset()) : h;
                usable.put(k, current);
                next.put(k, current.nextOffset());
                exists.put(k, true);
            } else {
                next.put(k, head.nextOffset());
                exists.put(k, head.exists());
            }
        }
        return new View(next, exists, usable, states, epochs);
    }

    private static void failRunsOn(Flush flush, Leases.Key key, EddyException error) {
        for (Pending p : List.copyOf(flush.live)) {
            for (int i = 0; i < p.request().runs().size(); i++) {
                if (new RunRef(p, i).key().equals(key) && !flush.bases.containsKey(new RunRef(p, i))) {
                    flush.fail(p, error);
                    break;
                }
            }
        }
    }

    // ---- decisions ---------------------------------------------------------------------------------------

    /**
     * The runs to append with their base offsets, the producer states after them, and the runs that repeat a
     * run appended in this same round (they get its offsets once, and only if, it commits).
     */
    private record Decided(Map<RunRef, Long> appended, Map<ProducerKey, ProducerState> states,
                           Map<RunRef, RunRef> repeats) {
    }

    /**
     * Decides every open run in request order: duplicates get their original offsets at once; a request with a
     * refused run fails whole and is taken out, and the others are decided again without it. Returns the
     * appended runs with their base offsets.
     */
    private Decided decide(Flush flush, View view) {
        while (true) {
            Map<Leases.Key, Long> next = new HashMap<>();
            Map<ProducerKey, ProducerState> states = new HashMap<>();
            Map<RunRef, Long> appended = new LinkedHashMap<>();
            Map<RunRef, Long> duplicates = new HashMap<>();
            Map<RunRef, RunRef> repeats = new HashMap<>();
            Map<String, RunRef> appendedBatches = new HashMap<>();
            Pending refused = null;
            EddyException reason = null;
            long now = clock.millis();
            outer:
            for (Pending p : flush.live) {
                for (int i = 0; i < p.request().runs().size(); i++) {
                    RunRef ref = new RunRef(p, i);
                    if (flush.bases.containsKey(ref) || !view.next().containsKey(ref.key())) {
                        continue;
                    }
                    PartitionRun run = ref.run();
                    long base = next.getOrDefault(ref.key(), view.next().get(ref.key()));
                    ProducerBatch pb = run.producer();
                    if (pb != null) {
                        ProducerKey pk = new ProducerKey(ref.key().topicId(), ref.key().partition(), pb.producerId());
                        Optional<EddyException> registry = checkRegistry(pb, view.epochs().get(pb.producerId()));
                        if (registry.isPresent()) {
                            refused = p;
                            reason = registry.get();
                            break outer;
                        }
                        ProducerState state = states.getOrDefault(pk, view.states().get(pk));
                        Sequencing.Decision d = Sequencing.decide(state, pb, now, producerExpiry.toMillis());
                        if (d instanceof Sequencing.Reject r) {
                            refused = p;
                            reason = r.error();
                            break outer;
                        }
                        if (d instanceof Sequencing.Duplicate dup) {
                            RunRef original = appendedBatches.get(pk + "/" + pb.firstSequence() + "/" + pb.lastSequence());
                            if (original != null) {
                                repeats.put(ref, original);   // not committed yet: it follows the original
                            } else {
                                duplicates.put(ref, dup.baseOffset());
                            }
                            continue;
                        }
                        appendedBatches.put(pk + "/" + pb.firstSequence() + "/" + pb.lastSequence(), ref);
                        states.put(pk, ((Sequencing.Append) d).state().append(pb.epoch(),
                                new ProducerState.BatchMetadata(pb.firstSequence(), pb.lastSequence(), base), now));
                    }
                    appended.put(ref, base);
                    next.put(ref.key(), base + run.records());
                }
            }
            if (refused != null) {
                if (reason.code() == ErrorCode.PRODUCER_FENCED) {
                    metrics.fenced();
                }
                flush.fail(refused, reason);
                continue;
            }
            duplicates.forEach((ref, base) -> {
                metrics.duplicate();
                flush.bases.put(ref, base);
            });
            return new Decided(appended, states, repeats);
        }
    }

    private static Optional<EddyException> checkRegistry(ProducerBatch pb, Short registered) {
        if (registered == null) {
            return Optional.of(new EddyException(ErrorCode.UNKNOWN_PRODUCER, "producer " + pb.producerId()
                    + " is not registered: POST /v1/producers first", Map.of("producer_id", pb.producerId())));
        }
        if (registered > pb.epoch()) {
            return Optional.of(new EddyException(ErrorCode.PRODUCER_FENCED, "producer " + pb.producerId() + " epoch "
                    + pb.epoch() + " is fenced by epoch " + registered,
                    Map.of("producer_id", pb.producerId(), "epoch", pb.epoch(), "current_epoch", registered)));
        }
        if (registered < pb.epoch()) {
            return Optional.of(new EddyException(ErrorCode.INVALID_PRODUCER, "producer " + pb.producerId() + " epoch "
                    + pb.epoch() + " was never issued (current: " + registered + ")",
                    Map.of("producer_id", pb.producerId(), "epoch", pb.epoch(), "current_epoch", registered)));
        }
        return Optional.empty();
    }

    // ---- the segment -------------------------------------------------------------------------------------

    /** A segment object in storage: where each appended run's partition chunk lies, and which buckets hold it. */
    private record Written(Set<RunRef> runs, String objectKey, Map<Leases.Key, ChunkLocation> chunks,
                           List<String> buckets) {
    }

    private Uni<Written> write(Flush flush, Map<RunRef, Long> appended) {
        if (flush.written != null && flush.written.runs().equals(appended.keySet())) {
            return Uni.createFrom().item(flush.written);
        }
        Map<Leases.Key, List<RunRef>> byPartition = new LinkedHashMap<>();
        appended.keySet().forEach(ref -> byPartition.computeIfAbsent(ref.key(), k -> new ArrayList<>()).add(ref));
        List<SegmentChunk> chunks = new ArrayList<>(byPartition.size());
        for (Map.Entry<Leases.Key, List<RunRef>> e : byPartition.entrySet()) {
            int size = 0;
            int records = 0;
            long maxTs = Long.MIN_VALUE;
            List<ByteBuffer> batches = new ArrayList<>();
            for (RunRef ref : e.getValue()) {
                size += ref.run().sizeInBytes();
                records += ref.run().records();
                maxTs = Math.max(maxTs, ref.run().maxTimestamp());
                batches.addAll(ref.run().batches());
            }
            ByteBuffer chunk = ByteBuffer.allocate(size);
            ChunkBuilder.append(chunk, batches, 0);
            chunks.add(new SegmentChunk(e.getKey().topicId(), e.getKey().partition(), chunk.flip(), records, maxTs));
        }
        SegmentFormat.Encoded segment = SegmentFormat.encode(chunks);
        String objectKey = keys.newSegmentKey();
        AppendRequest first = flush.live.get(0).request();
        return put(first.replicas(), first.acks(), objectKey, segment.bytes()).map(buckets -> {
            remember(objectKey, segment);
            Map<Leases.Key, ChunkLocation> locations = new HashMap<>();
            for (ChunkLocation c : segment.chunks()) {
                locations.put(new Leases.Key(c.topicId(), c.partition()), c);
            }
            flush.written = new Written(Set.copyOf(appended.keySet()), objectKey, locations, buckets);
            return flush.written;
        });
    }

    /**
     * PUTs the object per acks: {@code all} to every replica (each must succeed); otherwise to the first
     * bucket that takes it, primary first. The item is the buckets that hold it.
     */
    private Uni<List<String>> put(List<String> replicas, Acks acks, String objectKey, byte[] bytes) {
        if (acks == Acks.ALL) {
            List<Uni<String>> puts = new ArrayList<>();
            for (String bucket : replicas) {
                puts.add(segments.put(bucket, objectKey, bytes).invoke(metrics::put).replaceWith(bucket));
            }
            return Uni.join().all(puts).andCollectFailures().onFailure().transform(t -> new EddyException(
                    ErrorCode.NOT_ENOUGH_REPLICAS, "acks=all: not every replica bucket took the segment; nothing was "
                    + "committed", Map.of("replicas", replicas), t));
        }
        return putFirst(replicas, 0, objectKey, bytes, null);
    }

    private Uni<List<String>> putFirst(List<String> replicas, int i, String objectKey, byte[] bytes, Throwable last) {
        if (i == replicas.size()) {
            return Uni.createFrom().failure(last);
        }
        return segments.put(replicas.get(i), objectKey, bytes).invoke(metrics::put)
                .map(ignored -> {
                    if (i > 0) {
                        metrics.replicaFallback();
                    }
                    return List.of(replicas.get(i));
                })
                .onFailure(t -> t instanceof EddyException e && e.retryable() && i + 1 < replicas.size())
                .recoverWithUni(t -> putFirst(replicas, i + 1, objectKey, bytes, t));
    }

    private void remember(String objectKey, SegmentFormat.Encoded segment) {
        if (cache == null) {
            return;
        }
        cache.putObject(objectKey, segment.bytes());   // every block, the footer's too: the whole object is in hand
    }

    // ---- the commit --------------------------------------------------------------------------------------

    /** Commits the appended runs; the item says whether some transaction lost a race (another round is due). */
    private Uni<Boolean> commit(Flush flush, View view, Decided decided, Written written) {
        Map<RunRef, Long> appended = decided.appended();
        Map<Leases.Key, List<RunRef>> byPartition = new LinkedHashMap<>();
        appended.keySet().forEach(ref -> byPartition.computeIfAbsent(ref.key(), k -> new ArrayList<>()).add(ref));
        long renewUntil = leases == null ? 0 : leases.renewedUntil();
        List<CommitBatch.PartitionCommit> commits = new ArrayList<>();
        Map<Leases.Key, Set<Long>> producersOf = new HashMap<>();
        for (Map.Entry<Leases.Key, List<RunRef>> e : byPartition.entrySet()) {
            Leases.Key k = e.getKey();
            ChunkLocation c = written.chunks().get(k);
            long base = view.next().get(k);
            IndexEntry entry = new IndexEntry(base, base + c.records() - 1, written.objectKey(), c.position(),
                    c.length(), c.maxTimestamp(), c.crc32c(), written.buckets());
            Set<Long> producers = new LinkedHashSet<>();
            List<ProducerState> toStore = new ArrayList<>();
            for (RunRef ref : e.getValue()) {
                ProducerBatch pb = ref.run().producer();
                if (pb != null && producers.add(pb.producerId())) {
                    ProducerKey pk = new ProducerKey(k.topicId(), k.partition(), pb.producerId());
                    ProducerState s = decided.states().get(pk);
                    // each stored state goes up exactly one version per commit, whatever it appended
                    toStore.add(new ProducerState(s.producerId(), s.epoch(), s.batches(), s.lastWriteMs(),
                            view.states().get(pk).version() + 1));
                }
            }
            LeaseState.Held held = view.held().get(k);
            commits.add(new CommitBatch.PartitionCommit(k.topicId(), k.partition(), base, view.headExists().get(k),
                    held == null ? null : new CommitBatch.LeaseCondition(held.epoch(), renewUntil), entry, toStore));
            producersOf.put(k, producers);
        }
        List<Uni<Boolean>> transactions = new ArrayList<>();
        for (CommitBatch batch : pack(commits, producersOf, view.epochs())) {
            transactions.add(commitOne(flush, view, appended, byPartition, batch, renewUntil));
        }
        return Uni.join().all(transactions).andFailFast().map(list -> list.contains(true));
    }

    /**
     * Packs partition commits greedily into transactions of at most {@link CommitBatch#MAX_ITEMS} items, in order,
     * counted by {@link CommitBatch#itemCount} (as an atomic request's check counts them).
     */
    private static List<CommitBatch> pack(List<CommitBatch.PartitionCommit> commits,
                                          Map<Leases.Key, Set<Long>> producersOf, Map<Long, Short> epochs) {
        List<CommitBatch> out = new ArrayList<>();
        List<CommitBatch.PartitionCommit> current = new ArrayList<>();
        Map<Long, Short> checks = new HashMap<>();
        int states = 0;
        for (CommitBatch.PartitionCommit c : commits) {
            Set<Long> producers = producersOf.get(new Leases.Key(c.topicId(), c.partition()));
            Set<Long> added = new HashSet<>(producers);
            added.removeAll(checks.keySet());
            if (!current.isEmpty() && CommitBatch.itemCount(current.size() + 1, states + c.producers().size(),
                    checks.size() + added.size()) > CommitBatch.MAX_ITEMS) {
                out.add(new CommitBatch(current, checks));
                current = new ArrayList<>();
                checks = new HashMap<>();
                states = 0;
            }
            current.add(c);
            states += c.producers().size();
            for (long id : producers) {
                checks.put(id, epochs.get(id));
            }
        }
        out.add(new CommitBatch(current, checks));
        return out;
    }

    private Uni<Boolean> commitOne(Flush flush, View view, Map<RunRef, Long> appended,
                                   Map<Leases.Key, List<RunRef>> byPartition, CommitBatch batch, long renewUntil) {
        return metadata.commit(batch)
                .invoke(metrics::transaction)
                .onFailure(FlushExecutor::outcomeUnknown).recoverWithUni(failure -> committedAnyway(batch, failure))
                .map(ignored -> {
                    for (CommitBatch.PartitionCommit c : batch.partitions()) {
                        Leases.Key k = new Leases.Key(c.topicId(), c.partition());
                        for (RunRef ref : byPartition.get(k)) {
                            flush.bases.put(ref, appended.get(ref));
                        }
                        LeaseState.Held held = view.held().get(k);
                        if (held != null) {
                            leases.committed(k, held, c.entry().lastOffset() + 1, renewUntil);
                        }
                        signals.committed(c.topicId(), c.partition());
                    }
                    return false;
                })
                .onFailure(OffsetConflictException.class).recoverWithItem(conflict -> {
                    for (CommitBatch.PartitionCommit c : batch.partitions()) {
                        Leases.Key k = new Leases.Key(c.topicId(), c.partition());
                        LeaseState.Held held = view.held().get(k);
                        if (held != null) {
                            leases.conflicted(k, held);
                        }
                    }
                    return true;
                })
                .onFailure().recoverWithItem(failure -> {
                    // outcome known to be a failure: the requests with runs here fail (the client may retry)
                    Set<Leases.Key> here = batch.partitions().stream()
                            .map(c -> new Leases.Key(c.topicId(), c.partition())).collect(Collectors.toSet());
                    for (Pending p : List.copyOf(flush.live)) {
                        if (p.request().runs().stream().anyMatch(r -> here.contains(new Leases.Key(r.topic().id(),
                                r.partition())))) {
                            flush.fail(p, failure);
                        }
                    }
                    return false;
                });
    }

    /** A failure after which the commit may or may not have happened (a timeout, a lost response, a 5xx). */
    private static boolean outcomeUnknown(Throwable t) {
        return t instanceof EddyException e && e.retryable() && !(t instanceof OffsetConflictException);
    }

    /**
     * Whether a commit whose outcome is unknown happened after all: the transaction is all-or-nothing, so the
     * index entry of its first partition, at the expected offset and pointing at our object, decides. If it
     * did, the produce succeeds (a client retry would otherwise store the records twice); if it did not, or
     * the check fails too, the original failure stands and the client may retry.
     */
    private Uni<Void> committedAnyway(CommitBatch batch, Throwable failure) {
        CommitBatch.PartitionCommit first = batch.partitions().get(0);
        return metadata.entryAtOrBefore(first.topicId(), first.partition(), first.expectedNextOffset())
                .onFailure().recoverWithItem(Optional.empty())
                .flatMap(found -> found.filter(e -> e.baseOffset() == first.expectedNextOffset()
                                && e.objectKey().equals(first.entry().objectKey())
                                && e.position() == first.entry().position()).isPresent()
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(failure));
    }

    private Duration backoff(int attempt) {
        long cap = Math.min(policy.maxBackoff().toMillis(), policy.initialBackoff().toMillis() << Math.min(attempt - 1, 16));
        // full jitter in [1, cap] ms: Mutiny refuses a zero delay
        return Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(Math.max(1, cap)));
    }
}
