package io.eddy.chaos;

import io.eddy.chaos.History.Commit;
import io.eddy.chaos.History.FinalPartition;
import io.eddy.chaos.History.Heartbeat;
import io.eddy.chaos.History.Outcome;
import io.eddy.chaos.History.Read;
import io.eddy.chaos.History.Send;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a run's {@link History} against what Eddy guarantees. A pure function: the same history always gives the
 * same {@link Verdict}. The final full read of every partition ({@link History#finalLog()}) is the ground truth of
 * the log. Definitions (each counter counts occurrences, not runs):
 * <ul>
 *   <li><b>lost</b>: an acknowledged record whose value is nowhere in the final log.</li>
 *   <li><b>ack mismatches</b>: an acknowledged record that is in the log, but not at the partition and offset its
 *       acknowledgement gave.</li>
 *   <li><b>duplicated</b>: extra copies of a value in the final log, split by whether its producer was idempotent
 *       (only those count as a violation: a non-idempotent producer's retry after a lost answer may duplicate).</li>
 *   <li><b>offsets reused</b>: an offset the final read returned twice or out of order; two different values
 *       acknowledged at one partition and offset; a value a member read at an offset where the final log holds
 *       another value (or nothing).</li>
 *   <li><b>offsets skipped</b>: an offset between the log start and the high watermark that the final read did not
 *       return (the workload's topics are never key-compacted, so a log has no legitimate gaps).</li>
 *   <li><b>order violations</b>: two acknowledged records of one producer in one partition whose offsets are not in
 *       the order the producer sent them.</li>
 *   <li><b>double ownership</b>: two members certainly holding one partition at the same moment. A member
 *       certainly holds p from the moment it received an answer assigning p until the earliest moment the server
 *       may have taken p away: the sending of any later (or concurrent) request of that member whose answer did
 *       not assign p or never came, a takeover by another member id with the same instance id, or the answer's
 *       request time plus the session timeout (the server sets expiry from when it handled the heartbeat, which is
 *       after it was sent). Only what the answers prove is counted: a partition held in the server's state but
 *       never seen in an answer is invisible, so this is sound, not complete.</li>
 *   <li><b>commits backwards</b>: an accepted commit of a partition to an offset below that of an accepted commit
 *       answered before it was sent (the workload never resets offsets).</li>
 *   <li><b>phantom reads</b>: a value read (by a member or the final read) that no producer ever sent, or whose
 *       send was refused for good.</li>
 *   <li><b>unread below commit</b>: an offset below the group's final committed offset that no member ever read
 *       (a commit moved past a record no member was given: at-least-once broken).</li>
 * </ul>
 */
public final class Checker {
    private Checker() {}

    /** The counts of one run. {@link #violations()} adds up everything Eddy guarantees never happens. */
    public record Verdict(
            long operations,
            long sends,
            long acked,
            long unknown,
            long reads,
            long lost,
            long ackMismatches,
            long duplicatedIdempotent,
            long duplicatedOther,
            long offsetsReused,
            long offsetsSkipped,
            long orderViolations,
            long doubleOwnership,
            long commitsBackwards,
            long phantomReads,
            long unreadBelowCommit) {
        public long duplicated() {
            return duplicatedIdempotent + duplicatedOther;
        }

        public long violations() {
            return lost
                    + ackMismatches
                    + duplicatedIdempotent
                    + offsetsReused
                    + offsetsSkipped
                    + orderViolations
                    + doubleOwnership
                    + commitsBackwards
                    + phantomReads
                    + unreadBelowCommit;
        }

        /** This run's counts added to another's (a run that checked several histories: one per topic). */
        public Verdict plus(Verdict o) {
            return new Verdict(
                    operations + o.operations,
                    sends + o.sends,
                    acked + o.acked,
                    unknown + o.unknown,
                    reads + o.reads,
                    lost + o.lost,
                    ackMismatches + o.ackMismatches,
                    duplicatedIdempotent + o.duplicatedIdempotent,
                    duplicatedOther + o.duplicatedOther,
                    offsetsReused + o.offsetsReused,
                    offsetsSkipped + o.offsetsSkipped,
                    orderViolations + o.orderViolations,
                    doubleOwnership + o.doubleOwnership,
                    commitsBackwards + o.commitsBackwards,
                    phantomReads + o.phantomReads,
                    unreadBelowCommit + o.unreadBelowCommit);
        }

        /** Each non-zero counter, in a fixed order, for messages. */
        public Map<String, Long> nonZero() {
            Map<String, Long> all = new java.util.LinkedHashMap<>();
            all.put("lost", lost);
            all.put("ack_mismatches", ackMismatches);
            all.put("duplicated_idempotent", duplicatedIdempotent);
            all.put("duplicated_other", duplicatedOther);
            all.put("offsets_reused", offsetsReused);
            all.put("offsets_skipped", offsetsSkipped);
            all.put("order_violations", orderViolations);
            all.put("double_ownership", doubleOwnership);
            all.put("commits_backwards", commitsBackwards);
            all.put("phantom_reads", phantomReads);
            all.put("unread_below_commit", unreadBelowCommit);
            all.values().removeIf(v -> v == 0);
            return all;
        }
    }

    private record Position(int partition, long offset) {}

    public static Verdict check(History h) {
        Map<String, Send> sent = new HashMap<>();
        for (Send s : h.sends()) {
            sent.put(s.value(), s);
        }
        // the final log: value → positions, position → value
        Map<String, List<Position>> where = new HashMap<>();
        Map<Position, String> at = new HashMap<>();
        long reused = 0;
        long skipped = 0;
        for (Map.Entry<Integer, FinalPartition> e : h.finalLog().entrySet()) {
            int p = e.getKey();
            FinalPartition fp = e.getValue();
            long previous = Long.MIN_VALUE;
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < fp.offsets().size(); i++) {
                long o = fp.offsets().get(i);
                String v = fp.values().get(i);
                if (!seen.add(o) || o <= previous) {
                    reused++;
                }
                previous = Math.max(previous, o);
                at.putIfAbsent(new Position(p, o), v);
                where.computeIfAbsent(v, k -> new ArrayList<>()).add(new Position(p, o));
            }
            for (long o = fp.logStartOffset(); o < fp.highWatermark(); o++) {
                if (!seen.contains(o)) {
                    skipped++;
                }
            }
        }

        long acked = 0;
        long unknown = 0;
        long lost = 0;
        long mismatches = 0;
        Map<Position, String> ackedAt = new HashMap<>();
        for (Send s : h.sends()) {
            if (s.outcome() == Outcome.UNKNOWN) {
                unknown++;
            }
            if (s.outcome() != Outcome.ACKED) {
                continue;
            }
            acked++;
            List<Position> found = where.get(s.value());
            Position ack = new Position(s.partition(), s.offset());
            if (found == null) {
                lost++;
            } else if (!found.contains(ack)) {
                mismatches++;
            }
            String other = ackedAt.putIfAbsent(ack, s.value());
            if (other != null && !other.equals(s.value())) {
                reused++;
            }
        }

        long dupIdempotent = 0;
        long dupOther = 0;
        long phantom = 0;
        for (Map.Entry<String, List<Position>> e : where.entrySet()) {
            Send s = sent.get(e.getKey());
            if (s == null || s.outcome() == Outcome.REFUSED) {
                phantom += e.getValue().size();
                continue;
            }
            long extra = e.getValue().size() - 1L;
            if (s.idempotent()) {
                dupIdempotent += extra;
            } else {
                dupOther += extra;
            }
        }

        Map<Integer, Set<Long>> readOffsets = new HashMap<>();
        for (Read r : h.reads()) {
            Send s = sent.get(r.value());
            if (s == null || s.outcome() == Outcome.REFUSED) {
                phantom++;
            }
            String truth = at.get(new Position(r.partition(), r.offset()));
            if (!r.value().equals(truth)) {
                reused++;
            }
            readOffsets.computeIfAbsent(r.partition(), k -> new HashSet<>()).add(r.offset());
        }

        long unread = 0;
        for (Map.Entry<Integer, Long> e : h.finalCommitted().entrySet()) {
            FinalPartition fp = h.finalLog().get(e.getKey());
            Set<Long> read = readOffsets.getOrDefault(e.getKey(), Set.of());
            if (fp == null) {
                continue;
            }
            for (long o : fp.offsets()) {
                if (o < e.getValue() && !read.contains(o)) {
                    unread++;
                }
            }
        }

        long operations = h.sends().size()
                + h.reads().size()
                + h.heartbeats().size()
                + h.commits().size();
        return new Verdict(
                operations,
                h.sends().size(),
                acked,
                unknown,
                h.reads().size(),
                lost,
                mismatches,
                dupIdempotent,
                dupOther,
                reused,
                skipped,
                orderViolations(h.sends()),
                doubleOwnership(h),
                commitsBackwards(h.commits()),
                phantom,
                unread);
    }

    static long orderViolations(List<Send> sends) {
        Map<String, List<Send>> byProducerPartition = new HashMap<>();
        for (Send s : sends) {
            if (s.outcome() == Outcome.ACKED) {
                byProducerPartition
                        .computeIfAbsent(s.producer() + "#" + s.partition(), k -> new ArrayList<>())
                        .add(s);
            }
        }
        long violations = 0;
        for (List<Send> list : byProducerPartition.values()) {
            list.sort(Comparator.comparingLong(Send::seq));
            for (int i = 1; i < list.size(); i++) {
                if (list.get(i).offset() <= list.get(i - 1).offset()) {
                    violations++;
                }
            }
        }
        return violations;
    }

    /** A span of time [from, to) in which a member certainly held a partition. */
    record Holding(String member, long from, long to) {}

    static List<Holding> holdings(History h, int partition) {
        Map<String, List<Heartbeat>> byMember = new HashMap<>();
        for (Heartbeat hb : h.heartbeats()) {
            byMember.computeIfAbsent(hb.member(), k -> new ArrayList<>()).add(hb);
        }
        List<Holding> out = new ArrayList<>();
        for (List<Heartbeat> mine : byMember.values()) {
            for (Heartbeat e : mine) {
                if (!e.ok() || e.leave() || !e.assigned().contains(partition)) {
                    continue;
                }
                long end = saturatedAdd(e.sentMicros(), h.sessionTimeoutMicros());
                for (Heartbeat f : mine) {
                    boolean keeps = f.ok() && !f.leave() && f.assigned().contains(partition);
                    if (f != e && f.answeredMicros() > e.sentMicros() && !keeps) {
                        end = Math.min(end, f.sentMicros());
                    }
                }
                if (e.instanceId() != null) {
                    for (Heartbeat g : h.heartbeats()) {
                        // a successor's join ends it only if let in (refused while this member lives: 409
                        // unreleased_instance_id)
                        if (g.join()
                                && g.ok()
                                && e.instanceId().equals(g.instanceId())
                                && !g.member().equals(e.member())
                                && g.answeredMicros() > e.sentMicros()) {
                            end = Math.min(end, g.sentMicros());
                        }
                    }
                }
                if (end > e.answeredMicros()) {
                    out.add(new Holding(e.member(), e.answeredMicros(), end));
                }
            }
        }
        return out;
    }

    static long doubleOwnership(History h) {
        Set<Integer> partitions = new HashSet<>();
        h.heartbeats().forEach(hb -> partitions.addAll(hb.assigned()));
        long overlaps = 0;
        for (int p : partitions) {
            // merge each member's spans, then count overlapping pairs of spans of different members
            Map<String, List<long[]>> merged = new TreeMap<>();
            List<Holding> spans = holdings(h, p);
            spans.sort(Comparator.comparingLong(Holding::from));
            for (Holding s : spans) {
                List<long[]> list = merged.computeIfAbsent(s.member(), k -> new ArrayList<>());
                long[] last = list.isEmpty() ? null : list.get(list.size() - 1);
                if (last != null && s.from() <= last[1]) {
                    last[1] = Math.max(last[1], s.to());
                } else {
                    list.add(new long[] {s.from(), s.to()});
                }
            }
            List<String> members = new ArrayList<>(merged.keySet());
            for (int i = 0; i < members.size(); i++) {
                for (int j = i + 1; j < members.size(); j++) {
                    for (long[] a : merged.get(members.get(i))) {
                        for (long[] b : merged.get(members.get(j))) {
                            if (a[0] < b[1] && b[0] < a[1]) {
                                overlaps++;
                            }
                        }
                    }
                }
            }
        }
        return overlaps;
    }

    static long commitsBackwards(List<Commit> commits) {
        Map<Integer, List<long[]>> byPartition = new HashMap<>(); // {sent, answered, offset}
        for (Commit c : commits) {
            if (c.ok()) {
                c.offsets()
                        .forEach((p, o) -> byPartition
                                .computeIfAbsent(p, k -> new ArrayList<>())
                                .add(new long[] {c.sentMicros(), c.answeredMicros(), o}));
            }
        }
        long backwards = 0;
        for (List<long[]> list : byPartition.values()) {
            List<long[]> byAnswer = new ArrayList<>(list);
            byAnswer.sort(Comparator.comparingLong(c -> c[1]));
            list.sort(Comparator.comparingLong(c -> c[0]));
            int next = 0;
            long highest = Long.MIN_VALUE;
            for (long[] c : list) {
                while (next < byAnswer.size() && byAnswer.get(next)[1] < c[0]) {
                    highest = Math.max(highest, byAnswer.get(next)[2]);
                    next++;
                }
                if (c[2] < highest) {
                    backwards++;
                }
            }
        }
        return backwards;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
