package io.eddy.kafka.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LeaderEpochsTest {
    @ParameterizedTest(name = "current leader epoch {0} → {1}")
    @CsvSource({
        "-1, NONE", // the client names none
        "0, NONE", // Metadata's, forever
        "1, UNKNOWN_LEADER_EPOCH", // newer than any this cluster had
        "7, UNKNOWN_LEADER_EPOCH",
        "-2, FENCED_LEADER_EPOCH" // older than the current one
    })
    void aRequestsCurrentLeaderEpochIsCheckedAsAKafkaLeaderAtEpochZeroChecksIt(int epoch, Errors expected) {
        assertThat(LeaderEpochs.check(epoch)).isEqualTo(expected);
    }
}
