package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaToolRunTest {
    private static final String CPU =
            "# cpu seconds: records 300000, wall 4.000, machine 7.90, server 3.00, " + "standins 1.50, tool 2.40";

    @Test
    void produceIsTheSteadyStateSummaryWithEachProcesssCpuPerRecordOverTheWholeRun() {
        KafkaToolRun r = KafkaToolRun.read(
                        Path.of("out/eddy-produce-100.txt"),
                        List.of(
                                "300000 records sent, 75000.0 records/sec (7.15 MB/sec), 80.00 ms avg latency, 300.00"
                                        + " ms max latency, 70 ms 50th, 150 ms 95th, 250 ms 99th, 290 ms 99.9th.",
                                "240000 steady state records sent, 80000.000000 records/sec (7.63 MB/sec), 75.00 ms avg"
                                        + " latency, 200.00 ms max latency, 65 ms 50th, 140 ms 95th, 190 ms 99th, 199"
                                        + " ms 99.9th.",
                                CPU))
                .orElseThrow();

        assertThat(r.system()).isEqualTo("eddy");
        assertThat(r.tool()).isEqualTo("produce");
        assertThat(r.recordSize()).isEqualTo(100);
        assertThat(r.recordsPerSec()).isEqualTo(80000.0);
        assertThat(r.p99Ms()).isEqualTo(190.0);
        assertThat(r.records()).isEqualTo(300000);
        assertThat(r.cpuSeconds())
                .containsKeys("machine", "server", "standins", "tool")
                .doesNotContainKey("records");
        assertThat(r.cpuMicrosPerRecord().get("server")).isEqualTo(10.0);
        assertThat(r.serverMicrosPerRecord()).isEqualTo(10.0);
        assertThat(KafkaReportCommand.row(r))
                .contains("server 10.0 (0.75)", "tool 8.0 (0.60)", "machine 1.98, others 0.25 cores");
    }

    @Test
    void theServersJitCompilerIsShownAsPartOfItsFigureNotAsAnotherProcess() {
        KafkaToolRun r = KafkaToolRun.parse(
                        "eddy",
                        "latency",
                        100,
                        List.of("Percentiles: 50th = 2, 99th = 7, 99.9th = 9", CPU + ", jit 0.60"))
                .orElseThrow();

        assertThat(r.serverMicrosPerRecord()).isEqualTo(10.0); // the JIT's part included
        assertThat(KafkaReportCommand.row(r))
                .contains("server 10.0 (0.75)", "jit 2.0 (0.15)", "machine 1.98, others 0.25 cores");
    }

    @Test
    void consumeIsTheFetchTimeRateAndLatencyItsPercentilesOverTheWholeRun() {
        KafkaToolRun consume = KafkaToolRun.parse(
                        "kafka",
                        "consume",
                        1024,
                        List.of(
                                "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,"
                                        + " rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
                                "2026-12-05 10:00:00:000, 2026-12-05 10:00:03:000, 16.0000, 5.3, 16384, 5461.3, 2000,"
                                        + " 1000, 16.0, 16384.0",
                                "# cpu seconds: records 16384, wall 3.000, broker 0.33"))
                .orElseThrow();
        KafkaToolRun latency = KafkaToolRun.parse(
                        "kafka",
                        "latency",
                        100,
                        List.of("0\t3.1", "Avg latency: 2.5000 ms", "Percentiles: 50th = 2, 99th = 7, 99.9th = 9", CPU))
                .orElseThrow();

        assertThat(consume.recordsPerSec()).isEqualTo(16384.0);
        assertThat(consume.serverMicrosPerRecord()).isCloseTo(20.1, org.assertj.core.data.Offset.offset(0.1));
        assertThat(latency.p50Ms()).isEqualTo(2.0);
        assertThat(latency.p99Ms()).isEqualTo(7.0);
        assertThat(latency.recordsPerSec()).isEqualTo(75000.0);
    }

    @Test
    void anOutputWithoutItsResultLineIsEmptyAndAStrangeNameRefused() {
        assertThat(KafkaToolRun.parse("eddy", "latency", 100, List.of("ERROR boom", CPU)))
                .isEmpty();
        assertThatThrownBy(() -> KafkaToolRun.read(Path.of("eddy-fetch-100.txt"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRatiosAreTheIssuesTargetsPerToolAndSize() {
        KafkaToolRun eddy = KafkaToolRun.parse(
                        "eddy", "latency", 100, List.of("Percentiles: 50th = 20, 99th = 40, 99.9th = 60", CPU))
                .orElseThrow();
        KafkaToolRun kafka = KafkaToolRun.parse(
                        "kafka", "latency", 100, List.of("Percentiles: 50th = 2, 99th = 8, 99.9th = 9", CPU))
                .orElseThrow();
        KafkaToolRun eddyProduce = KafkaToolRun.parse(
                        "eddy",
                        "produce",
                        100,
                        List.of(
                                "10 steady state records sent, 50000.0 records/sec (4.77 MB/sec), 1.00 ms avg latency,"
                                        + " 2.00 ms max latency, 1 ms 50th, 2 ms 95th, 2 ms 99th, 2 ms 99.9th.",
                                CPU))
                .orElseThrow();

        assertThat(KafkaReportCommand.ratios(List.of(eddy, kafka, eddyProduce)))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r).containsEntry("figure", "p99 ms").containsEntry("target", "<= 2");
                    assertThat(r.get("ratio")).isEqualTo(5.0);
                });
    }
}
