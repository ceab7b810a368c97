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

        assertThat(line).isEqualTo(new KafkaPerfLine(3000000, 292654.0, 27.91, 10.52, 250.0, 5, 30));
    }

    @Test
    void noSummaryWhenTheRunDidNotFinish() {
        assertThat(KafkaPerfLine.parse(List.of("ERROR something", "1 records sent, 1.0 records/sec (0.00 MB/sec), "
                + "1.0 ms avg latency, 1.0 ms max latency."))).isEmpty();
    }
}
