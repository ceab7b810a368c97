package io.eddy.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OffsetSpecTest {
    private static final long NOW = 1_700_000_000_000L;

    static Stream<Arguments> specsAtNow() {
        return Stream.of(
                Arguments.of(new OffsetSpec.Earliest(), new OffsetSpec.Earliest()),
                Arguments.of(new OffsetSpec.Latest(), new OffsetSpec.Latest()),
                Arguments.of(new OffsetSpec.AtTimestamp(42), new OffsetSpec.AtTimestamp(42)),
                Arguments.of(new OffsetSpec.Ago(Duration.ofMinutes(5)), new OffsetSpec.AtTimestamp(NOW - 300_000)),
                Arguments.of(new OffsetSpec.Ago(Duration.ZERO), new OffsetSpec.AtTimestamp(NOW)),
                Arguments.of(new OffsetSpec.Ago(Duration.ofMillis(NOW + 1)), new OffsetSpec.AtTimestamp(0)));
    }

    @ParameterizedTest
    @MethodSource("specsAtNow")
    void onlyARelativeTimeChangesWhenMadeAbsolute(OffsetSpec spec, OffsetSpec expected) {
        assertThat(spec.at(NOW)).isEqualTo(expected);
    }

    @Test
    void timesBeforeTheEpochAndNegativeDurationsAreRefused() {
        assertThatThrownBy(() -> new OffsetSpec.AtTimestamp(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OffsetSpec.Ago(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
