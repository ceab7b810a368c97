package io.eddy.core.produce.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.model.PartitionHead;
import org.junit.jupiter.api.Test;

/** The lease's transitions, as pure values. */
class LeaseStateTest {
    private static final String ME = "instance-a";

    @Test
    void aGrantHoldsTheEpochAndTheHeadsNextOffset() {
        PartitionHead head = new PartitionHead(0, 42, 0, true, new PartitionHead.Lease(ME, 3, 10_000));

        assertThat(LeaseState.granted(head)).isEqualTo(new LeaseState.Held(3, 10_000, 42));
    }

    @Test
    void aCommitMovesTheNextOffsetAndRenews() {
        LeaseState.Held held = new LeaseState.Held(3, 10_000, 42);

        assertThat(held.committed(50, 20_000)).isEqualTo(new LeaseState.Held(3, 20_000, 50));
    }

    @Test
    void aConflictForgetsTheNextOffsetButKeepsTheLease() {
        assertThat(new LeaseState.Held(3, 10_000, 42).conflicted()).isEqualTo(new LeaseState.Held(3, 10_000, -1));
    }

    @Test
    void aHeadStillCarryingOurEpochKeepsTheLeaseWithTheHeadsOffset() {
        LeaseState.Held held = new LeaseState.Held(3, 10_000, -1);
        PartitionHead head = new PartitionHead(0, 77, 0, true, new PartitionHead.Lease(ME, 3, 12_000));

        assertThat(held.headRead(head, ME)).isEqualTo(new LeaseState.Held(3, 12_000, 77));
    }

    @Test
    void aHeadWithANewerEpochMeansTheLeaseIsLost() {
        LeaseState.Held held = new LeaseState.Held(3, 10_000, 42);
        PartitionHead head = new PartitionHead(0, 60, 0, true, new PartitionHead.Lease("instance-b", 4, 30_000));

        assertThat(held.headRead(head, ME)).isEqualTo(new LeaseState.Lost(30_000));
    }

    @Test
    void aLeaseIsNotReliedOnWithinItsMarginOfExpiry() {
        LeaseState.Held held = new LeaseState.Held(3, 10_000, 42);

        assertThat(held.usable(7_999, 2_000)).isTrue();
        assertThat(held.usable(8_000, 2_000)).isFalse();
        assertThat(held.usable(11_000, 2_000)).isFalse();
    }
}
