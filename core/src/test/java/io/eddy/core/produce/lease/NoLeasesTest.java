package io.eddy.core.produce.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.model.PartitionHead;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A writer without leader leases commits every partition optimistically. */
class NoLeasesTest {
    private final LeaderLeases leases = LeaderLeases.none();
    private final LeaderLeases.Key key = new LeaderLeases.Key(UUID.randomUUID(), 3);

    @Test
    void neverHandsOutALease() {
        assertThat(leases.ensure(key).await().indefinitely()).isEmpty();
        assertThat(leases.ensure(key).await().indefinitely()).as("nor later").isEmpty();
    }

    @Test
    void refusesTransitionsOfALeaseItNeverHandedOut() {
        LeaseState.Held foreign = new LeaseState.Held(1, 1_000, 0);

        assertThatThrownBy(() -> leases.committed(key, foreign, 1, 2_000)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> leases.conflicted(key, foreign)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> leases.headRead(key, foreign, PartitionHead.empty(3)))
                .isInstanceOf(IllegalStateException.class);
    }
}
