package io.eddy.core.produce;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.storage.CommitBatch;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Group commit (server mode): concurrent requests share one open segment per lane (same replica buckets and
 * acks) until it has waited {@code linger} or holds {@code maxSegmentBytes}, whichever comes first; then one flush
 * writes it — one PUT, as few transactions as its partitions allow. On a lane serving one request at a time (no
 * flush in flight, and the last one carried a single request) the linger counts from the lane's last cut instead:
 * such a request goes at once when the lane cut nothing for a linger (a lone record is not held back for company
 * that does not come), and the lane still cuts at most one segment per linger. Otherwise it counts from the
 * segment's first request: the answers of the flushes in flight, or of a flush of several requests, bring their
 * clients' next requests (a Kafka producer keeps five in flight), which then share a segment. Up to
 * {@code flushesInFlight} flushes of a lane are in flight at once, pipelined by the {@link FlushExecutor} (each
 * decides and PUTs while the ones ahead commit): a full segment is cut at once; one due by its linger alone at once
 * when the lane has no flush in flight, behind flushes in flight once each of them has written its segment and is
 * committing. Meanwhile the next segment fills, so under load segments grow instead of queueing. Each request
 * still gets its own offsets and its own per-partition all-or-nothing. Atomic requests are flushed alone (their
 * partitions must share one transaction). Memory is bounded by {@link QueueLimits}: a request that would take a
 * lane, or all of them, past its bound is refused at once with {@code throttled} (429), acks=0 included, rather
 * than queued.
 * Thread-safe: lanes are guarded by this object's monitor.
 */
public final class GroupCommitAppender implements Appender {
    private final FlushExecutor executor;
    private final Duration linger;
    private final long maxSegmentBytes;
    private final int flushesInFlight;
    private final QueueLimits limits;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final Map<LaneKey, Lane> lanes = new HashMap<>();
    /** Bytes of every request taken and not yet finished: lanes' and atomic ones'. */
    private long heldBytes;

    private record LaneKey(List<String> replicas, boolean all) {}

    private static final class Lane {
        List<FlushExecutor.Pending> open = new ArrayList<>();
        long openBytes;
        /** Bytes of the open segment's requests and of the flush in flight. */
        long heldBytes;

        int inFlight;
        /** Flushes in flight that have not sent their commit yet (deciding, writing, or waiting for the ones ahead). */
        int beforeCommit;

        boolean due;
        ScheduledFuture<?> lingerTimer;
        /** When the lane last cut a segment ({@link #nanoTime}); a linger before its creation if it never did. */
        long lastCutNanos;
        /** Requests in the segment the lane last cut (0 before the first). */
        int lastCutRequests;

        Lane(long createdNanos, Duration linger) {
            lastCutNanos = createdNanos - linger.toNanos();
        }
    }

    /** {@code nanoTime}: the monotonic clock (in nanoseconds) that times a linger since a lane's last cut. */
    public GroupCommitAppender(
            FlushExecutor executor,
            Duration linger,
            long maxSegmentBytes,
            int flushesInFlight,
            QueueLimits limits,
            ScheduledExecutorService timer,
            LongSupplier nanoTime) {
        if (linger.isNegative() || maxSegmentBytes < 1 || flushesInFlight < 1) {
            throw new IllegalArgumentException("bad group commit settings: linger " + linger + ", segment "
                    + maxSegmentBytes + " bytes, " + flushesInFlight + " flushes in flight");
        }
        this.executor = executor;
        this.linger = linger;
        this.maxSegmentBytes = maxSegmentBytes;
        this.flushesInFlight = flushesInFlight;
        this.limits = limits;
        this.timer = timer;
        this.nanoTime = nanoTime;
    }

    @Override
    public Uni<List<Long>> append(AppendRequest request) {
        return enqueue(request).flatMap(outcome -> Uni.createFrom().completionStage(outcome));
    }

    @Override
    public Uni<CompletionStage<List<Long>>> enqueue(AppendRequest request) {
        return Uni.createFrom().item(() -> {
            long size = request.sizeInBytes();
            if (request.atomic()) {
                take(null, size); // flushed alone, at once; held all the same
                return executor.append(request)
                        .onTermination()
                        .invoke(() -> release(null, size))
                        .subscribeAsCompletionStage();
            }
            FlushExecutor.Pending pending = new FlushExecutor.Pending(request);
            enqueue(new LaneKey(request.replicas(), request.acks() == Acks.ALL), pending);
            return pending.result();
        });
    }

    /** Counts a request's bytes as held by the lane (null: by no lane), or refuses it: throttled. Holds the monitor. */
    private synchronized void take(Lane lane, long size) {
        if (lane != null && lane.heldBytes > 0 && lane.heldBytes + size > limits.laneBytes()) {
            throw throttled(
                    "its lane (the requests to the same buckets with the same acks)",
                    lane.heldBytes,
                    limits.laneBytes());
        }
        if (heldBytes > 0 && heldBytes + size > limits.totalBytes()) {
            throw throttled("all its lanes", heldBytes, limits.totalBytes());
        }
        if (lane != null) {
            lane.heldBytes += size;
        }
        heldBytes += size;
    }

    private synchronized void release(Lane lane, long size) {
        if (lane != null) {
            lane.heldBytes -= size;
        }
        heldBytes -= size;
    }

    private static EddyException throttled(String what, long held, long max) {
        return new EddyException(
                ErrorCode.THROTTLED,
                "this instance holds " + held + " bytes of produce requests in " + what + ", at most " + max
                        + ", while storage catches up: nothing was taken; retry later",
                Map.of("queued_bytes", held, "max_queued_bytes", max));
    }

    private synchronized void enqueue(LaneKey key, FlushExecutor.Pending pending) {
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane(nanoTime.getAsLong(), linger));
        take(lane, pending.request().sizeInBytes());
        lane.open.add(pending);
        lane.openBytes += pending.request().sizeInBytes();
        if (linger.isZero() || lane.openBytes >= maxSegmentBytes) {
            lane.due = true;
        } else if (lane.lingerTimer == null && !lane.due) {
            // one request at a time: the linger counts from the last cut; else from this request (see the class)
            boolean single = lane.inFlight == 0 && lane.lastCutRequests <= 1;
            long wait = single ? lane.lastCutNanos + linger.toNanos() - nanoTime.getAsLong() : linger.toNanos();
            if (wait <= 0) {
                lane.due = true; // nothing cut for a linger: this segment may go now
            } else {
                lane.lingerTimer = timer.schedule(() -> lingered(lane), wait, TimeUnit.NANOSECONDS);
            }
        }
        maybeStart(lane);
    }

    private synchronized void lingered(Lane lane) {
        lane.lingerTimer = null;
        lane.due = true;
        maybeStart(lane);
    }

    private synchronized void finished(Lane lane, long flushedBytes, AtomicBoolean before) {
        release(lane, flushedBytes);
        lane.inFlight--;
        if (before.compareAndSet(true, false)) {
            lane.beforeCommit--;
        }
        if (lane.openBytes >= maxSegmentBytes || linger.isZero()) {
            lane.due = true;
        }
        maybeStart(lane);
    }

    /**
     * Starts flushes of the lane's open segment while it is due and fewer than {@code flushesInFlight} are in
     * flight. A full segment goes at once. One due by its linger alone goes at once when no flush of the lane is in
     * flight; behind flushes in flight only once every one of them has sent its commit (at linger 0: at once, up
     * to the bound; that setting asks for no batching). Until then it could not
     * commit any sooner (a flush commits after the ones ahead), and every request that joins it shares its PUT and
     * its transactions: fewer calls per GiB, and, where the commits of one producer's flushes land one after another,
     * more of its requests answered per commit (a Kafka producer keeps at most five in flight; spread over four
     * flushes they were answered one or two per commit: docs/benchmarks.md, issues 16 and 17). Holds the monitor.
     */
    private void maybeStart(Lane lane) {
        while (lane.inFlight < flushesInFlight
                && lane.due
                && !lane.open.isEmpty()
                && (lane.beforeCommit == 0 || lane.openBytes >= maxSegmentBytes || linger.isZero())) {
            start(lane);
        }
    }

    /** A flush of the lane sent its (first) commit: the open segment may go behind it. */
    private synchronized void committing(Lane lane, AtomicBoolean before) {
        if (before.compareAndSet(true, false)) {
            lane.beforeCommit--;
            maybeStart(lane);
        }
    }

    private void start(Lane lane) {
        List<FlushExecutor.Pending> batch = new ArrayList<>();
        long bytes = 0;
        ProducersPerPartition producers = new ProducersPerPartition();
        boolean full = false;
        while (!lane.open.isEmpty() && !full) {
            AppendRequest next = lane.open.get(0).request();
            full = !batch.isEmpty() && (bytes + next.sizeInBytes() > maxSegmentBytes || !producers.fits(next));
            if (!full) {
                producers.take(next);
                bytes += next.sizeInBytes();
                batch.add(lane.open.remove(0));
            }
        }
        lane.openBytes -= bytes;
        lane.lastCutNanos = nanoTime.getAsLong();
        lane.lastCutRequests = batch.size();
        lane.due = !lane.open.isEmpty() && (full || lane.openBytes >= maxSegmentBytes || linger.isZero());
        if (lane.open.isEmpty() && lane.lingerTimer != null) {
            lane.lingerTimer.cancel(false);
            lane.lingerTimer = null;
        } else if (!lane.open.isEmpty() && lane.lingerTimer == null && !lane.due) {
            lane.lingerTimer = timer.schedule(() -> lingered(lane), linger.toNanos(), TimeUnit.NANOSECONDS);
        }
        lane.inFlight++;
        lane.beforeCommit++;
        long flushed = bytes;
        AtomicBoolean before = new AtomicBoolean(true);
        executor.flush(batch, () -> committing(lane, before))
                .subscribe()
                .with(ignored -> finished(lane, flushed, before), failure -> finished(lane, flushed, before));
    }

    /**
     * The idempotent producers of each partition in a flush being put together. A partition's commit is one
     * transaction whatever the packer does (its head, its entry, and a state and an epoch check per producer), so a
     * flush takes a request only while every partition's commit still fits in {@link CommitBatch#MAX_ITEMS} items;
     * the rest waits for the next flush. One request has at most one producer per partition, so it always fits alone.
     */
    private static final class ProducersPerPartition {
        private final Map<String, Set<Long>> ids = new HashMap<>();

        boolean fits(AppendRequest request) {
            for (PartitionRun run : request.runs()) {
                if (run.producer() != null) {
                    Set<Long> taken = ids.getOrDefault(key(run), Set.of());
                    int n = taken.size() + (taken.contains(run.producer().producerId()) ? 0 : 1);
                    if (CommitBatch.itemCount(1, n, n) > CommitBatch.MAX_ITEMS) {
                        return false;
                    }
                }
            }
            return true;
        }

        void take(AppendRequest request) {
            for (PartitionRun run : request.runs()) {
                if (run.producer() != null) {
                    ids.computeIfAbsent(key(run), k -> new HashSet<>())
                            .add(run.producer().producerId());
                }
            }
        }

        private static String key(PartitionRun run) {
            return run.topic().id() + "#" + run.partition();
        }
    }

    /** Bytes of requests held now: queued in lanes, being flushed, or atomic requests in flight. */
    public synchronized long queuedBytes() {
        return heldBytes;
    }
}
