package io.eddy.core.produce;

import io.eddy.core.produce.CommitDecider.Open;
import io.eddy.core.produce.CommitDecider.Transaction;
import io.eddy.core.produce.FlushExecutor.Pending;
import io.eddy.core.produce.lease.LeaderLeases;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A flush's progress across its rounds: the requests still waiting, the offsets their runs got, the segment last
 * written; and the completion of each request once all its runs have offsets or one failed. Not thread-safe: one
 * flush's rounds run one after the other.
 */
final class FlushProgress {
    /** One run of one request. */
    record RunRef(Pending pending, int index) {}

    /** The segment written for a set of runs. */
    private record Written(Set<RunRef> runs, WrittenSegment segment) {}

    private final List<Pending> live;
    private final Map<RunRef, Long> bases = new HashMap<>();
    private Optional<Written> written = Optional.empty();

    FlushProgress(List<Pending> pendings) {
        this.live = new ArrayList<>(pendings);
    }

    /** The runs without offsets yet, in request order; the runs of one request share its place in the flush. */
    List<Open<RunRef>> open() {
        List<Open<RunRef>> out = new ArrayList<>();
        for (int r = 0; r < live.size(); r++) {
            Pending p = live.get(r);
            for (int i = 0; i < p.request().runs().size(); i++) {
                RunRef ref = new RunRef(p, i);
                if (!bases.containsKey(ref)) {
                    out.add(new Open<>(ref, r, p.request().runs().get(i)));
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

    /** Applies the transactions' outcomes; true if one lost a race (another round is due). */
    boolean settle(List<Transaction<RunRef>> transactions, List<Committer.Outcome> outcomes) {
        boolean conflicted = false;
        for (int i = 0; i < transactions.size(); i++) {
            Transaction<RunRef> tx = transactions.get(i);
            if (outcomes.get(i) instanceof Committer.Committed) {
                bases.putAll(tx.bases());
            } else if (outcomes.get(i) instanceof Committer.Conflicted) {
                conflicted = true;
            } else if (outcomes.get(i) instanceof Committer.Failed failed) {
                // known not to have committed: the requests with runs here fail (the client may retry)
                Set<LeaderLeases.Key> here = new HashSet<>();
                tx.batch().partitions().forEach(c -> here.add(new LeaderLeases.Key(c.topicId(), c.partition())));
                for (Pending p : List.copyOf(live)) {
                    if (p.request().runs().stream()
                            .anyMatch(r ->
                                    here.contains(new LeaderLeases.Key(r.topic().id(), r.partition())))) {
                        fail(p, failed.cause());
                    }
                }
            }
        }
        return conflicted;
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

    /** The requests still waiting, in flush order. */
    List<Pending> live() {
        return live;
    }

    /** The offset a run got, if it has one. */
    Optional<Long> base(RunRef run) {
        return Optional.ofNullable(bases.get(run));
    }

    /** Gives a run its offset. */
    void settled(RunRef run, long base) {
        bases.put(run, base);
    }

    /** The segment an earlier round wrote for exactly these runs. */
    Optional<WrittenSegment> writtenFor(Set<RunRef> runs) {
        return written.filter(w -> w.runs().equals(runs)).map(Written::segment);
    }

    void wrote(Set<RunRef> runs, WrittenSegment segment) {
        written = Optional.of(new Written(runs, segment));
    }
}
