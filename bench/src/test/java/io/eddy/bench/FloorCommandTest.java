package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The floor's arithmetic: a flush's PUTs and its commit shared out over the flush's records. */
class FloorCommandTest {

    @Test
    void aRecordPaysItsBytesInEveryBucketAndItsShareOfTheCommit() {
        // 1 MiB flush of 1,024 B records: 1,024 records; 2 buckets at 3 ms per MiB, 4 ms per commit
        double micros = FloorCommand.microsPerRecord(3.0, 4.0, 2, 1024, 1024);

        assertThat(micros).isCloseTo(1000 * (2 * 3.0 / 1024 + 4.0 / 1024), within(1e-9));
    }

    @Test
    void aLargerFlushSharesTheCommitOverMoreRecordsButNotThePuts() {
        double small = FloorCommand.microsPerRecord(3.0, 4.0, 1, 110.4, 800);
        double large = FloorCommand.microsPerRecord(3.0, 4.0, 1, 110.4, 8192);
        double putsOnly = FloorCommand.microsPerRecord(3.0, 0.0, 1, 110.4, 8192);

        assertThat(large).isLessThan(small).isGreaterThan(putsOnly);
        assertThat(FloorCommand.microsPerRecord(3.0, 0.0, 1, 110.4, 800)).isCloseTo(putsOnly, within(1e-9));
    }

    @Test
    @Timeout(30)
    void theHandoffGameEndsWithEveryTurnTaken() {
        // a lost turn leaves both threads parked: the game never ends
        FloorCommand.pingPong(10_001);
        FloorCommand.pingPong(0);
    }
}
