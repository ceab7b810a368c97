package io.eddy.core.produce;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Group commit (server mode): concurrent requests share one open segment per lane (same replica buckets and
 * acks) until it has waited {@code linger} or holds {@code maxSegmentBytes}; then one flush writes it — one
 * PUT, as few transactions as its partitions allow. While a lane's flush is in flight the next segment
 * fills, so under load segments grow instead of queueing. Each request still gets its own offsets and its own
 * per-partition all-or-nothing. Atomic requests are flushed alone (their partitions must share one
 * transaction). Thread-safe: lanes are guarded by this object's monitor.
 */
public final class GroupCommitAppender implements Appender {
    private final FlushExecutor executor;
    private final Duration linger;
    private final long maxSegmentBytes;
    private final ScheduledExecutorService timer;
    private final Map<LaneKey, Lane> lanes = new HashMap<>();

    private record LaneKey(List<String> replicas, boolean all) {
    }

    private static final class Lane {
        List<FlushExecutor.Pending> open = new ArrayList<>();
        long openBytes;
        boolean inFlight;
        boolean due;
        ScheduledFuture<?> lingerTimer;
    }

    public GroupCommitAppender(FlushExecutor executor, Duration linger, long maxSegmentBytes,
                               ScheduledExecutorService timer) {
        if (linger.isNegative() || maxSegmentBytes < 1) {
            throw new IllegalArgumentException("bad group commit settings: linger " + linger + ", " + maxSegmentBytes);
        }
        this.executor = executor;
        this.linger = linger;
        this.maxSegmentBytes = maxSegmentBytes;
        this.timer = timer;
    }

    @Override
    public Uni<List<Long>> append(AppendRequest request) {
        if (request.atomic()) {
            return executor.append(request);
        }
        return Uni.createFrom().deferred(() -> {
            FlushExecutor.Pending pending = new FlushExecutor.Pending(request);
            enqueue(new LaneKey(request.replicas(), request.acks() == Acks.ALL), pending);
            return Uni.createFrom().future(pending.result());
        });
    }

    private synchronized void enqueue(LaneKey key, FlushExecutor.Pending pending) {
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
        lane.open.add(pending);
        lane.openBytes += pending.request().sizeInBytes();
        if (linger.isZero() || lane.openBytes >= maxSegmentBytes) {
            lane.due = true;
        } else if (lane.lingerTimer == null) {
            lane.lingerTimer = timer.schedule(() -> lingered(lane), linger.toNanos(), TimeUnit.NANOSECONDS);
        }
        maybeStart(lane);
    }

    private synchronized void lingered(Lane lane) {
        lane.lingerTimer = null;
        lane.due = true;
        maybeStart(lane);
    }

    private synchronized void finished(Lane lane) {
        lane.inFlight = false;
        if (lane.openBytes >= maxSegmentBytes || linger.isZero()) {
            lane.due = true;
        }
        maybeStart(lane);
    }

    /** Starts a flush of the lane's open segment if it is due and none is in flight. Holds the monitor. */
    private void maybeStart(Lane lane) {
        if (lane.inFlight || !lane.due || lane.open.isEmpty()) {
            return;
        }
        List<FlushExecutor.Pending> batch = new ArrayList<>();
        long bytes = 0;
        while (!lane.open.isEmpty() && (batch.isEmpty() || bytes + lane.open.get(0).request().sizeInBytes() <= maxSegmentBytes)) {
            FlushExecutor.Pending p = lane.open.remove(0);
            bytes += p.request().sizeInBytes();
            batch.add(p);
        }
        lane.openBytes -= bytes;
        lane.due = !lane.open.isEmpty() && (lane.openBytes >= maxSegmentBytes || linger.isZero());
        if (lane.open.isEmpty() && lane.lingerTimer != null) {
            lane.lingerTimer.cancel(false);
            lane.lingerTimer = null;
        } else if (!lane.open.isEmpty() && lane.lingerTimer == null && !lane.due) {
            lane.lingerTimer = timer.schedule(() -> lingered(lane), linger.toNanos(), TimeUnit.NANOSECONDS);
        }
        lane.inFlight = true;
        executor.flush(batch).subscribe().with(ignored -> finished(lane), failure -> finished(lane));
    }
}
