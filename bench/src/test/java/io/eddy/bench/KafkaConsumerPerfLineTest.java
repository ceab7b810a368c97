package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConsumerPerfLineTest {
    private static final List<String> OUTPUT = List.of(
            "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, "
                    + "fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
            "2026-11-30 03:21:33:442, 2026-11-30 03:21:36:312, 16.0000, 5.5749, 167772, 58457.1429, 2091, 779, 20.5391, 215368.4211",
            "# cpu cores: machine 1.99, broker 0.19");

    @Test
    void readsTheResultLineUnderItsHeader() {
        KafkaConsumerPerfLine k = KafkaConsumerPerfLine.parse(OUTPUT).orElseThrow();

        assertThat(k.records()).isEqualTo(167772);
        assertThat(k.recordsPerSec()).isEqualTo(58457.1429);
        assertThat(k.rebalanceMs()).isEqualTo(2091);
        assertThat(k.fetchMs()).isEqualTo(779);
        assertThat(k.fetchMbPerSec()).isEqualTo(20.5391);
        assertThat(k.fetchRecordsPerSec()).isEqualTo(215368.4211);
        assertThat(KafkaPerfLine.cpuCores(OUTPUT)).containsEntry("broker", 0.19);
    }

    @Test
    void noResultLineIsEmpty() {
        assertThat(KafkaConsumerPerfLine.parse(List.of(OUTPUT.get(0), "WARN something, else")))
                .isEmpty();
    }

    @Test
    void theRatioIsTheMemoryTiersAgainstKafkasFetchRateAtTheSameSize() {
        KafkaConsumerPerfLine k = KafkaConsumerPerfLine.parse(OUTPUT).orElseThrow();
        ConsumeResult kafka = ConsumeReportCommand.kafkaResult(100, k, Map.of());
        List<ConsumeResult> eddy =
                List.of(eddy("s3", 100, 1000), eddy("memory", 100, 430736.8422), eddy("memory", 1024, 5));

        List<Map<String, Object>> ratios = ConsumeReportCommand.ratios(eddy, Map.of(100, kafka));

        assertThat(kafka.recordsPerSec()).isEqualTo(215368.4211);
        assertThat(ratios).hasSize(1);
        assertThat(ratios.get(0)).containsEntry("record_size", 100);
        assertThat((double) ratios.get(0).get("ratio")).isEqualTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    private static ConsumeResult eddy(String tier, int size, double recordsPerSec) {
        return new ConsumeResult(
                "eddy",
                tier,
                "measure",
                size,
                6,
                6,
                1,
                1,
                1,
                1,
                1,
                recordsPerSec,
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
                Map.of());
    }
}
