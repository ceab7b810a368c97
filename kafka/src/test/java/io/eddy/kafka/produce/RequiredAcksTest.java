package io.eddy.kafka.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.produce.Acks;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequiredAcksTest {
    @ParameterizedTest
    @CsvSource({"0, NONE", "1, LEADER", "-1, ALL"})
    void kafkasAcksMapToEddysAcks(short kafka, Acks eddy) {
        assertThat(RequiredAcks.of(kafka)).contains(eddy);
    }

    @ParameterizedTest
    @ValueSource(shorts = {2, -2, 3, Short.MAX_VALUE, Short.MIN_VALUE})
    void anyOtherAcksHasNoMapping(short kafka) {
        assertThat(RequiredAcks.of(kafka)).isEqualTo(Optional.empty());
    }
}
