package io.eddy.core.produce;

import static io.eddy.core.produce.CommitDeciderTest.EPOCH;
import static io.eddy.core.produce.CommitDeciderTest.NOW;
import static io.eddy.core.produce.CommitDeciderTest.P;
import static io.eddy.core.produce.CommitDeciderTest.TOPIC;
import static io.eddy.core.produce.CommitDeciderTest.bases;
import static io.eddy.core.produce.CommitDeciderTest.batch;
import static io.eddy.core.produce.CommitDeciderTest.key;
import static io.eddy.core.produce.CommitDeciderTest.open;
import static io.eddy.core.produce.CommitDeciderTest.run;
import static io.eddy.core.produce.CommitDeciderTest.segment;
import static io.eddy.core.produce.CommitDeciderTest.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.model.ProducerState;
import io.eddy.core.produce.CommitDecider.Head;
import io.eddy.core.produce.CommitDecider.Open;
import io.eddy.core.produce.CommitDecider.Reads;
import io.eddy.core.produce.CommitDecider.Transaction;
import io.eddy.core.produce.Reservations.Decided;
import io.eddy.core.produce.Reservations.Projected;
import io.eddy.core.produce.Reservations.Ticket;
import io.eddy.core.produce.lease.LeaderLeases.Key;
import io.eddy.core.produce.lease.LeaseState;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore.ProducerKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pipelined flushes' reservations, over values: a flush decided behind others takes the offsets and producer states
 * they leave; one that did not land sends the flushes built on it round again; order follows the tickets.
 */
class ReservationsTest {
    private static final Key K0 = new Key(TOPIC.id(), 0);
    private static final Key K1 = new Key(TOPIC.id(), 1);
    private static final LeaseState.Held LEASE = new LeaseState.Held(7, NOW + 30_000, 10);

    private final CommitDecider decider = new CommitDecider(Duration.ofDays(7));
    private final Reservations reservations = new Reservations();

    /** What every flush reads while the others are in flight: head 10 under the lease, P's state at version 4. */
    private static Reads stale() {
        return new Reads(
                Map.of(K0, new Head(10, true, Optional.of(LEASE)), K1, new Head(0, false, Optional.empty())),
                Set.of(),
                Map.of(key(0, P), state(EPOCH, 0, 4, 5)),
                Map.of(P, EPOCH));
    }

    private Decided<String> decide(Ticket ticket, List<Open<String>> open, Reads reads) {
        return reservations.decide(ticket, reads, r -> decider.decide(open, r, NOW));
    }

    @Test
    void aFlushDecidedBehindAnotherTakesTheOffsetsAndProducerStatesItLeaves() {
        // given: flush a (P's sequences 5..7) and flush b (P's 8..9) on partition 0, both reading the same heads
        List<Open<String>> a = List.of(open("a", 0, run(0, 3, batch(EPOCH, 5, 3))));
        List<Open<String>> b = List.of(open("b", 0, run(0, 2, batch(EPOCH, 8, 2))));
        Ticket ta = reservations.enter(a);
        Ticket tb = reservations.enter(b);

        // when
        Decided<String> da = decide(ta, a, stale());
        Decided<String> db = decide(tb, b, stale());

        // then: b follows a's offsets and sequences, and its commit is conditioned on the head and states a leaves
        assertThat(bases(da.decision())).containsExactly(Map.entry("a", 10L));
        assertThat(bases(db.decision())).containsExactly(Map.entry("b", 13L));
        assertThat(db.decision().refused()).isEmpty();
        CommitBatch.PartitionCommit commit = commitOf(db);
        assertThat(commit.expectedNextOffset()).isEqualTo(13);
        assertThat(commit.entry().lastOffset()).isEqualTo(14);
        assertThat(commit.lease().epoch()).isEqualTo(LEASE.epoch());
        assertThat(commit.producers()).singleElement().satisfies(s -> {
            assertThat(s.version()).as("two commits past version 4").isEqualTo(6);
            assertThat(s.batches().get(s.batches().size() - 1)).isEqualTo(new ProducerState.BatchMetadata(8, 9, 13));
        });
    }

    @Test
    void aFlushDecidesAfterTheFlushesAheadOnItsPartitionsOrProducersAndNoOthers() {
        List<Open<String>> a = List.of(open("a", 0, run(0, 1, batch(EPOCH, 5, 1))));
        List<Open<String>> sameProducer = List.of(open("p", 0, run(1, 1, batch(EPOCH, 0, 1))));
        List<Open<String>> elsewhere = List.of(open("e", 0, run(1, 1)));
        Ticket ta = reservations.enter(a);
        Ticket tp = reservations.enter(sameProducer);
        Ticket te = reservations.enter(elsewhere);

        assertThat(ta.aheadDecided().await().indefinitely()).isNull();
        assertThat(tp.aheadDecided().subscribeAsCompletionStage())
                .as("behind a: same producer")
                .isNotDone();
        assertThat(te.aheadDecided().subscribeAsCompletionStage())
                .as("behind p: same partition")
                .isNotDone();

        decide(ta, a, stale());
        assertThat(tp.aheadDecided().subscribeAsCompletionStage()).isDone();
        assertThat(tp.aheadFinished().subscribeAsCompletionStage()).isNotDone();
        reservations.finish(ta);
        assertThat(tp.aheadFinished().subscribeAsCompletionStage()).isDone();
    }

    @Test
    void aCommitThatDidNotLandSendsTheFlushesBuiltOnItRoundAgainOnFreshReads() {
        List<Open<String>> a = List.of(open("a", 0, run(0, 3)));
        List<Open<String>> b = List.of(open("b", 0, run(0, 2)));
        Ticket ta = reservations.enter(a);
        Ticket tb = reservations.enter(b);
        decide(ta, a, stale());
        decide(tb, b, stale());
        assertThat(reservations.current(tb)).isTrue();

        // when: a's commit lost a race
        reservations.voided(ta, K0);
        reservations.finish(ta);

        // then: b decided on what never landed; deciding again, it starts from what it reads
        assertThat(reservations.current(tb)).isFalse();
        Reads fresh = new Reads(Map.of(K0, new Head(11, true, Optional.of(LEASE))), Set.of(), Map.of(), Map.of());
        assertThat(bases(decide(tb, b, fresh).decision())).containsExactly(Map.entry("b", 11L));
        assertThat(reservations.current(tb)).isTrue();
    }

    @Test
    void aFlushThatFinishesWithoutLandingVoidsWhatItReservedAndOneThatLandedKeepsTheOnesBehindCurrent() {
        List<Open<String>> a = List.of(open("a0", 0, run(0, 3)), open("a1", 0, run(1, 1)));
        List<Open<String>> b = List.of(open("b0", 0, run(0, 2)), open("b1", 0, run(1, 1)));
        Ticket ta = reservations.enter(a);
        Ticket tb = reservations.enter(b);
        decide(ta, a, stale());
        Decided<String> db = decide(tb, b, stale());
        assertThat(bases(db.decision())).containsExactly(Map.entry("b0", 13L), Map.entry("b1", 1L));

        // when: a landed on partition 0, and failed (its PUT, say) before committing partition 1
        reservations.landed(ta, K0);
        reservations.finish(ta);

        // then: b goes round again; once both finished nothing is reserved any more
        assertThat(reservations.current(tb)).isFalse();
        reservations.landed(tb, K0);
        reservations.landed(tb, K1);
        reservations.finish(tb);
        assertThat(reservations.inFlight()).isEmpty();
    }

    @Test
    void anEarlierFlushDecidingAgainSendsTheOnesBehindItRoundAgainAndIgnoresTheirReservations() {
        List<Open<String>> a = List.of(open("a", 0, run(0, 3)));
        List<Open<String>> b = List.of(open("b", 0, run(0, 2)));
        Ticket ta = reservations.enter(a);
        Ticket tb = reservations.enter(b);
        decide(ta, a, stale());
        decide(tb, b, stale());

        // when: a decides again (its commit conflicted) on the same reads
        Decided<String> again = decide(ta, a, stale());

        // then: it is not placed after b's reservation, and b no longer holds
        assertThat(bases(again.decision())).containsExactly(Map.entry("a", 10L));
        assertThat(reservations.current(ta)).isTrue();
        assertThat(reservations.current(tb)).isFalse();
    }

    @Test
    void aProjectionMadeUnderAnotherLeaseEpochIsIgnored() {
        Projected projected = new Projected(new Head(50, true, Optional.of(LEASE)), Map.of());
        Reads retaken = new Reads(
                Map.of(K0, new Head(40, true, Optional.of(new LeaseState.Held(8, NOW + 30_000, 40)))),
                Set.of(),
                Map.of(),
                Map.of());

        assertThat(Reservations.overlay(retaken, Map.of(K0, projected))
                        .heads()
                        .get(K0)
                        .nextOffset())
                .isEqualTo(40);
        assertThat(Reservations.overlay(stale(), Map.of(K0, projected))
                        .heads()
                        .get(K0)
                        .nextOffset())
                .isEqualTo(50);
    }

    @Test
    void theProjectionOfADecisionIsWhatItsCommitStores() {
        List<Open<String>> a = List.of(open("a", 0, run(0, 3, batch(EPOCH, 5, 3))), open("n", 1, run(1, 4)));
        Reads reads = stale();
        CommitDecider.Decision<String> decision = decider.decide(a, reads, NOW);

        Map<Key, Projected> after = Reservations.after(decision, reads);

        Transaction<String> tx =
                decider.transactions(decision, reads, segment(decision), NOW).get(0);
        for (CommitBatch.PartitionCommit c : tx.batch().partitions()) {
            Key k = new Key(c.topicId(), c.partition());
            assertThat(after.get(k).head().nextOffset()).isEqualTo(c.entry().lastOffset() + 1);
            assertThat(after.get(k).head().exists()).isTrue();
            assertThat(after.get(k).states().values()).containsExactlyInAnyOrderElementsOf(c.producers());
        }
        assertThat(after.get(K0).states()).containsOnlyKeys(new ProducerKey(TOPIC.id(), 0, P));
    }

    private CommitBatch.PartitionCommit commitOf(Decided<String> d) {
        List<Transaction<String>> txs =
                decider.transactions(d.decision(), d.reads(), segment(d.decision()), NOW + 30_000);
        assertThat(txs).hasSize(1);
        return txs.get(0).batch().partitions().get(0);
    }
}
