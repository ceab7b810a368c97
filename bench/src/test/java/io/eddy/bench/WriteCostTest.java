package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cost per GiB written, from a result's counters and the server's CPU. */
class WriteCostTest {

    private static ProduceResult eddy(double putsPerGib, double itemsPerGib, double serverCores, double seconds) {
        long bytes = 1L << 30;
        return new ProduceResult(
                "eddy",
                250,
                "1",
                1024,
                6,
                16,
                16,
                seconds,
                1_000_000,
                1000,
                1_000_000 / seconds,
                0,
                0,
                0,
                0,
                0,
                0,
                Map.of(),
                (long) putsPerGib,
                0,
                bytes,
                putsPerGib,
                0,
                Map.of("server", serverCores),
                4,
                128,
                itemsPerGib);
    }

    @Test
    void aGibibyteCostsItsPutsItsTransactionalWriteUnitsAndTheServersCpuAsLambdaTime() {
        // 256 PUTs, 2,000 items (4,000 write units), 1 core for 16 s per GiB
        WriteCost cost = WriteCost.perGiB(eddy(256, 2000, 1.0, 16));

        assertThat(cost.s3Puts()).isCloseTo(256 * 0.005 / 1000, within(1e-12));
        assertThat(cost.dynamoWrites()).isCloseTo(4000 * 0.625 / 1e6, within(1e-12));
        assertThat(cost.lambda()).isCloseTo(16 * 1.769 * 0.0000166667, within(1e-12));
        assertThat(cost.total()).as("about $0.00425").isCloseTo(0.0042517343, within(1e-9));
    }

    @Test
    void cpuPerRecordIsEachProcesssCoresOverTheRate() {
        ProduceResult r = eddy(256, 2000, 0.5, 10);

        assertThat(r.cpuMicrosPerRecord()).containsOnlyKeys("server");
        assertThat(r.cpuMicrosPerRecord().get("server")).isCloseTo(5.0, within(1e-9));
    }
}
