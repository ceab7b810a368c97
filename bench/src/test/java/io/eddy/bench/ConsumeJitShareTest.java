package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server's JIT share over a pass's reads, which tells perf consume whether a warm-up read left it settled. */
class ConsumeJitShareTest {
    @Test
    void eachReadWeighsByItsSeconds() {
        // 2 s at 0.5 cores with 0.1 of it JIT, then 6 s at 0.5 cores with none: 0.2 of 4.0 core-seconds
        double share = ConsumeCommand.jitShare(
                List.of(read(2, Map.of("server", 0.5, "jit", 0.1)), read(6, Map.of("server", 0.5, "jit", 0.0))));

        assertThat(share).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void unknownWhenAReadLacksEitherFigure() {
        assertThat(ConsumeCommand.jitShare(List.of(read(2, Map.of("server", 0.5)))))
                .isEqualTo(-1);
        assertThat(ConsumeCommand.jitShare(List.of(read(2, Map.of("server", 0.5, "jit", -1.0)))))
                .isEqualTo(-1);
        assertThat(ConsumeCommand.jitShare(List.of())).isEqualTo(-1);
    }

    private static ConsumeResult read(double seconds, Map<String, Double> cores) {
        return new ConsumeResult(
                "eddy",
                "memory",
                "warm-up",
                100,
                6,
                6,
                seconds,
                1,
                1,
                1,
                1,
                1,
                1,
                1,
                0,
                Map.of(),
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                Double.NaN,
                Double.NaN,
                0,
                0,
                0,
                0,
                0,
                Double.NaN,
                cores);
    }
}
