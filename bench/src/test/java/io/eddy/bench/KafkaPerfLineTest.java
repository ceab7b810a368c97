package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaPerfLineTest {

    @Test
    void readsTheFinalSummaryNotTheProgressLines() {
        List<String> out = List.of(
                "1463590 records sent, 292659.9 records/sec (27.91 MB/sec), 5.2 ms avg latency, 160.0 ms max latency.",
                "3000000 records sent, 292654.0 records/sec (27.91 MB/sec), 10.52 ms avg latency, 250.00 ms max latency,"
                        + " 5 ms 50th, 20 ms 95th, 30 ms 99th, 40 ms 99.9th.");

        KafkaPerfLine line = KafkaPerfLine.parse(out).orElseThrow();

        assertThat(line).isEqualTo(new KafkaPerfLine(3000000, false, 292654.0, 27.91, 10.52, 250.0, 5, 30));
    }

    @Test
    void afterAWarmUpTheSteadyStateSummaryIsTheOneThatCounts() {
        List<String> out = List.of(
                "Warmup first 600000 records. Steady state results will print after the complete test summary.",
                "2100000 records sent, 304524.361949 records/sec (29.04 MB/sec), 723.14 ms avg latency, 994.00 ms max"
                        + " latency, 771 ms 50th, 953 ms 95th, 976 ms 99th, 985 ms 99.9th.",
                "1500000 steady state records sent, 321543.408360 records/sec (30.66 MB/sec), 769.22 ms avg latency,"
                        + " 994.00 ms max latency, 796 ms 50th, 961 ms 95th, 977 ms 99th, 991 ms 99.9th.");

        KafkaPerfLine line = KafkaPerfLine.parse(out).orElseThrow();

        assertThat(line.steadyState()).isTrue();
        assertThat(line.recordsPerSec()).isEqualTo(321543.408360);
        assertThat(line.p50Ms()).isEqualTo(796);
        assertThat(line.p99Ms()).isEqualTo(977);
    }

    @Test
    void readsTheCpuLineTheScriptAppends() {
        assertThat(KafkaPerfLine.cpuCores(List.of("1 records sent, ...", "# cpu cores: machine 1.95, broker 0.88")))
                .containsExactly(java.util.Map.entry("broker", 0.88), java.util.Map.entry("machine", 1.95));
        assertThat(KafkaPerfLine.cpuCores(List.of("no such line"))).isEmpty();
    }

    @Test
    void noSummaryWhenTheRunDidNotFinish() {
        assertThat(KafkaPerfLine.parse(List.of(
                        "ERROR something",
                        "1 records sent, 1.0 records/sec (0.00 MB/sec), " + "1.0 ms avg latency, 1.0 ms max latency.")))
                .isEmpty();
    }
}
