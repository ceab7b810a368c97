package io.eddy.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LagSamplerTest {
    private static final long WINDOW = 3_600_000L;
    private static final long NOW = 1_000_000_000L;

    @Test
    void groupsReadWithinTheWindowAreSampledInNameOrderAndTheOthersForgotten() {
        // given
        Map<String, Long> lastRead = new HashMap<>(Map.of(
                "orders", NOW - 10,
                "billing", NOW - WINDOW,
                "stale", NOW - WINDOW - 1));

        // when
        var watched = LagSampler.watched(lastRead, NOW, WINDOW);

        // then
        assertThat(watched).containsExactly("billing", "orders");
        assertThat(lastRead).containsOnlyKeys("billing", "orders");
    }

    @Test
    void nothingReadNothingSampled() {
        assertThat(LagSampler.watched(new HashMap<>(), NOW, WINDOW)).isEmpty();
    }
}
