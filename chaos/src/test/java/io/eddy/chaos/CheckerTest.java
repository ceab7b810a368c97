package io.eddy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.chaos.History.Commit;
import io.eddy.chaos.History.FinalPartition;
import io.eddy.chaos.History.Heartbeat;
import io.eddy.chaos.History.Outcome;
import io.eddy.chaos.History.Read;
import io.eddy.chaos.History.Send;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each counter of the checker, shown to detect what it claims on a hand-built history, and to stay 0 otherwise. */
class CheckerTest {
    private static final long SESSION = 2_000_000;

    /** Three acked records of one idempotent producer at offsets 0-2 of partition 0, a log holding exactly them. */
    private static final List<Send> SENDS = List.of(
            Send.acked("p", true, "all", 0, 0, 0),
            Send.acked("p", true, "all", 1, 0, 1),
            Send.acked("p", true, "all", 2, 0, 2));

    private static FinalPartition log(String... values) {
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            offsets.add((long) i);
        }
        return new FinalPartition(0, values.length, offsets, List.of(values));
    }

    private static History history(List<Send> sends, FinalPartition p0) {
        return new History(sends, List.of(), List.of(), List.of(), Map.of(0, p0), Map.of(), SESSION);
    }

    @Test
    void aCleanHistoryHasNoViolations() {
        Checker.Verdict v = Checker.check(history(SENDS, log("p:0", "p:1", "p:2")));

        assertThat(v.violations()).isZero();
        assertThat(v.acked()).isEqualTo(3);
        assertThat(v.nonZero()).isEmpty();
    }

    @Test
    void anAckedRecordMissingFromTheLogIsLost() {
        FinalPartition p0 = new FinalPartition(0, 2, List.of(0L, 1L), List.of("p:0", "p:1"));

        Checker.Verdict v = Checker.check(history(SENDS, p0));

        assertThat(v.lost()).isEqualTo(1);
        assertThat(v.violations()).isEqualTo(1);
    }

    @Test
    void aTopicPurgedAndWrittenAgainLosesItsAcksAndReusesTheirOffsetsAndVerdictsOfTopicsAddUp() {
        // a churned topic: two records acked, the partition purged, the next record acked at offset 0 again
        List<Send> purged = List.of(
                Send.acked("t#1", false, "all", 0, 0, 0),
                Send.acked("t#1", false, "all", 1, 0, 1),
                Send.acked("t#1", false, "all", 2, 0, 0));
        Checker.Verdict churned = Checker.check(history(purged, log("t#1:2")));
        Checker.Verdict clean = Checker.check(history(SENDS, log("p:0", "p:1", "p:2")));

        Checker.Verdict both = clean.plus(churned);

        assertThat(churned.nonZero()).containsEntry("lost", 2L).containsEntry("offsets_reused", 1L);
        assertThat(both.acked()).isEqualTo(6);
        assertThat(both.lost()).isEqualTo(2);
        assertThat(both.violations()).isEqualTo(churned.violations());
    }

    @Test
    void anAckedRecordAtAnotherOffsetThanItsAckIsAMismatch() {
        List<Send> sends =
                List.of(Send.acked("p", true, "all", 0, 0, 1), Send.notAcked("q", false, "1", 0, Outcome.UNKNOWN));

        Checker.Verdict v = Checker.check(history(sends, log("p:0", "q:0")));

        assertThat(v.ackMismatches()).isEqualTo(1);
        assertThat(v.lost()).isZero();
    }

    @Test
    void duplicatesOfIdempotentProducersAreViolationsAndOthersAreOnlyCounted() {
        List<Send> sends = List.of(Send.acked("i", true, "all", 0, 0, 0), Send.acked("n", false, "1", 0, 0, 2));

        Checker.Verdict v = Checker.check(history(sends, log("i:0", "i:0", "n:0", "n:0", "n:0")));

        assertThat(v.duplicatedIdempotent()).isEqualTo(1);
        assertThat(v.duplicatedOther()).isEqualTo(2);
        assertThat(v.violations()).isEqualTo(1);
    }

    @Test
    void anOffsetReturnedTwiceIsReused() {
        FinalPartition p0 = new FinalPartition(0, 3, List.of(0L, 1L, 1L, 2L), List.of("p:0", "p:1", "x:9", "p:2"));
        List<Send> sends = new ArrayList<>(SENDS);
        sends.add(Send.notAcked("x", false, "1", 9, Outcome.UNKNOWN));

        assertThat(Checker.check(history(sends, p0)).offsetsReused()).isEqualTo(1);
    }

    @Test
    void twoValuesAckedAtOneOffsetReuseIt() {
        List<Send> sends = List.of(Send.acked("p", true, "all", 0, 0, 0), Send.acked("q", true, "all", 0, 0, 0));

        Checker.Verdict v = Checker.check(history(sends, log("p:0", "q:0")));

        assertThat(v.offsetsReused()).isEqualTo(1);
    }

    @Test
    void aMemberReadingAnotherValueAtAnOffsetThanTheLogHoldsSawItReused() {
        History h = new History(
                SENDS,
                List.of(new Read("m", 0, 1, "p:2", 5)),
                List.of(),
                List.of(),
                Map.of(0, log("p:0", "p:1", "p:2")),
                Map.of(),
                SESSION);

        assertThat(Checker.check(h).offsetsReused()).isEqualTo(1);
    }

    @Test
    void aHoleBelowTheHighWatermarkIsASkippedOffset() {
        FinalPartition p0 = new FinalPartition(0, 4, List.of(0L, 1L, 3L), List.of("p:0", "p:1", "p:2"));
        List<Send> sends = List.of(
                Send.acked("p", true, "all", 0, 0, 0),
                Send.acked("p", true, "all", 1, 0, 1),
                Send.acked("p", true, "all", 2, 0, 3));

        Checker.Verdict v = Checker.check(history(sends, p0));

        assertThat(v.offsetsSkipped()).isEqualTo(1);
        assertThat(v.violations()).isEqualTo(1);
    }

    @Test
    void aLaterRecordOfAProducerAtALowerOffsetIsAnOrderViolation() {
        List<Send> sends = List.of(Send.acked("p", false, "1", 0, 0, 1), Send.acked("p", false, "1", 1, 0, 0));

        Checker.Verdict v = Checker.check(history(sends, log("p:1", "p:0")));

        assertThat(v.orderViolations()).isEqualTo(1);
    }

    @Test
    void twoMembersCertainlyHoldingOnePartitionAtOnceAreDoubleOwnership() {
        // a holds 0 from its answer at 10 until its next heartbeat (sent at 500, answered without 0)
        // b is assigned 0 by an answer at 400: both held it from 400 to 500
        List<Heartbeat> beats = List.of(
                new Heartbeat("a", null, true, false, 0, 10, true, Set.of(0)),
                new Heartbeat("a", null, false, false, 500, 510, true, Set.of()),
                new Heartbeat("b", null, true, false, 300, 400, true, Set.of(0)));
        History h = new History(List.of(), List.of(), beats, List.of(), Map.of(), Map.of(), SESSION);

        assertThat(Checker.check(h).doubleOwnership()).isEqualTo(1);
    }

    @Test
    void aHandOverAfterTheOldOwnerGaveThePartitionUpIsNotDoubleOwnership() {
        List<Heartbeat> beats = List.of(
                new Heartbeat("a", null, true, false, 0, 10, true, Set.of(0)),
                new Heartbeat("a", null, false, false, 500, 510, true, Set.of()),
                new Heartbeat("b", null, true, false, 505, 520, true, Set.of(0)));
        History h = new History(List.of(), List.of(), beats, List.of(), Map.of(), Map.of(), SESSION);

        assertThat(Checker.check(h).doubleOwnership()).isZero();
    }

    @Test
    void aSilentMemberStopsHoldingWhenItsSessionMayHaveEnded() {
        // a crashed after its answer at 10 (sent at 0): the server may expire it from 0 + session on
        List<Heartbeat> beats = List.of(
                new Heartbeat("a", null, true, false, 0, 10, true, Set.of(0)),
                new Heartbeat("b", null, true, false, SESSION, SESSION + 10, true, Set.of(0)));
        History h = new History(List.of(), List.of(), beats, List.of(), Map.of(), Map.of(), SESSION);
        assertThat(Checker.check(h).doubleOwnership()).isZero();

        List<Heartbeat> early = List.of(
                beats.get(0), new Heartbeat("b", null, true, false, SESSION / 2, SESSION / 2 + 10, true, Set.of(0)));
        History h2 = new History(List.of(), List.of(), early, List.of(), Map.of(), Map.of(), SESSION);
        assertThat(Checker.check(h2).doubleOwnership()).isEqualTo(1);
    }

    @Test
    void aStaticMembersTakeoverEndsThePreviousMembersHolding() {
        List<Heartbeat> beats = List.of(
                new Heartbeat("a1", "s", true, false, 0, 10, true, Set.of(0)),
                new Heartbeat("a2", "s", true, false, 100, 110, true, Set.of(0)));
        History h = new History(List.of(), List.of(), beats, List.of(), Map.of(), Map.of(), SESSION);

        assertThat(Checker.check(h).doubleOwnership()).isZero();
    }

    @Test
    void aCommitBelowOneAnsweredBeforeItWasSentMovesBackwards() {
        List<Commit> commits = List.of(
                new Commit("a", 0, 10, true, Map.of(0, 50L)),
                new Commit("b", 20, 30, true, Map.of(0, 40L)),
                // concurrent with the first: no order between them, so not counted
                new Commit("c", 5, 8, true, Map.of(0, 45L)),
                // refused: changes nothing
                new Commit("d", 40, 50, false, Map.of(0, 1L)));
        History h = new History(List.of(), List.of(), List.of(), commits, Map.of(), Map.of(), SESSION);

        assertThat(Checker.check(h).commitsBackwards()).isEqualTo(1);
    }

    @Test
    void aValueNobodySentOrThatWasRefusedIsAPhantomRead() {
        List<Send> sends =
                List.of(Send.acked("p", true, "all", 0, 0, 0), Send.notAcked("p", true, "all", 1, Outcome.REFUSED));
        History h = new History(
                sends,
                List.of(new Read("m", 0, 1, "p:1", 5)),
                List.of(),
                List.of(),
                Map.of(0, log("p:0", "p:1", "ghost:0")),
                Map.of(),
                SESSION);

        // the read of p:1, p:1 in the log, ghost:0 in the log
        assertThat(Checker.check(h).phantomReads()).isEqualTo(3);
    }

    @Test
    void anUnknownSendThatLandedIsNotAPhantom() {
        List<Send> sends = List.of(Send.notAcked("p", false, "1", 0, Outcome.UNKNOWN));

        assertThat(Checker.check(history(sends, log("p:0"))).violations()).isZero();
    }

    @Test
    void aCommitPastARecordNoMemberReadBreaksAtLeastOnce() {
        History h = new History(
                SENDS,
                List.of(new Read("m", 0, 0, "p:0", 1), new Read("m", 0, 2, "p:2", 2)),
                List.of(),
                List.of(),
                Map.of(0, log("p:0", "p:1", "p:2")),
                Map.of(0, 3L),
                SESSION);

        assertThat(Checker.check(h).unreadBelowCommit()).isEqualTo(1);
    }
}
