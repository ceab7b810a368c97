package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProduceWarmUpTest {
    @ParameterizedTest
    @CsvSource({
        // jit cores, server cores -> warm
        "0.41, 0.87, false", // perf produce --quick's measured window: half the server's CPU was its compiler
        "0.05, 1.00, true", // a twentieth: warm
        "0.06, 1.00, false",
        "0.00, 0.90, true",
        "0.00, 0.00, false" // a server that did nothing tells nothing
    })
    void aWindowIsWarmOnceTheCompilerTookAtMostATwentiethOfTheServer(double jit, double server, boolean warm) {
        assertThat(ProduceCommand.WarmUp.warm(jit, server)).isEqualTo(warm);
    }
}
