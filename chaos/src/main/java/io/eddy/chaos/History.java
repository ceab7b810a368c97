package io.eddy.chaos;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a workload run did and saw, as plain values for {@link Checker}. Times are microseconds of one
 * monotonic clock ({@code System.nanoTime() / 1000}) shared by every recorder of the run.
 *
 * @param sends every record a producer was asked to send, with its outcome
 * @param reads every record a group member's {@code poll} returned
 * @param heartbeats every join, heartbeat and leave a group member sent, with its answer
 * @param commits every offset commit a group member sent, with its answer
 * @param finalLog the ground truth: every partition read in full after the run, faults off
 * @param finalCommitted the group's committed offset per partition after the run (absent: none)
 * @param sessionTimeoutMicros the members' session timeout
 */
public record History(
        List<Send> sends,
        List<Read> reads,
        List<Heartbeat> heartbeats,
        List<Commit> commits,
        Map<Integer, FinalPartition> finalLog,
        Map<Integer, Long> finalCommitted,
        long sessionTimeoutMicros) {
    public History {
        sends = List.copyOf(sends);
        reads = List.copyOf(reads);
        heartbeats = List.copyOf(heartbeats);
        commits = List.copyOf(commits);
        finalLog = Map.copyOf(finalLog);
        finalCommitted = Map.copyOf(finalCommitted);
    }

    /** How a send ended. */
    public enum Outcome {
        /** The producer acknowledged it with an offset. */
        ACKED,
        /** Refused for good by a non-retryable answer that says nothing was stored (e.g. 413). */
        REFUSED,
        /** Failed after retries, or never completed: it may or may not be in the log. */
        UNKNOWN
    }

    /**
     * One record sent. {@code value} is unique in the run ({@code <producer>:<seq>}), {@code seq} counts up per
     * producer in send order.
     */
    public record Send(
            String producer,
            boolean idempotent,
            String acks,
            long seq,
            String value,
            Outcome outcome,
            int partition,
            long offset) {
        public static Send acked(
                String producer, boolean idempotent, String acks, long seq, int partition, long offset) {
            return new Send(producer, idempotent, acks, seq, value(producer, seq), Outcome.ACKED, partition, offset);
        }

        public static Send notAcked(String producer, boolean idempotent, String acks, long seq, Outcome outcome) {
            return new Send(producer, idempotent, acks, seq, value(producer, seq), outcome, -1, -1);
        }

        public static String value(String producer, long seq) {
            return producer + ":" + seq;
        }
    }

    /** A record returned by a member's poll. */
    public record Read(String member, int partition, long offset, String value, long atMicros) {}

    /**
     * One exchange of {@code PUT /v1/groups/{g}/members/{m}} (or a leave): sent at {@code sentMicros}, answered at
     * {@code answeredMicros} ({@code Long.MAX_VALUE} when it never was); {@code ok} with the partitions the answer
     * assigned. {@code instanceId} is the static member's instance id, or null.
     */
    public record Heartbeat(
            String member,
            String instanceId,
            boolean join,
            boolean leave,
            long sentMicros,
            long answeredMicros,
            boolean ok,
            Set<Integer> assigned) {
        public Heartbeat {
            assigned = Set.copyOf(assigned);
        }
    }

    /** One offset commit: partition → next offset to consume; {@code ok} when it was answered 200. */
    public record Commit(String member, long sentMicros, long answeredMicros, boolean ok, Map<Integer, Long> offsets) {
        public Commit {
            offsets = Map.copyOf(offsets);
        }
    }

    /**
     * A partition read from its log start to its high watermark: the offsets in the order they came, with their
     * values.
     */
    public record FinalPartition(long logStartOffset, long highWatermark, List<Long> offsets, List<String> values) {
        public FinalPartition {
            offsets = List.copyOf(offsets);
            values = List.copyOf(values);
            if (offsets.size() != values.size()) {
                throw new IllegalArgumentException("an offset per value");
            }
        }
    }
}
