package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StatsDeltaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode stats(long puts, long transactions, long bytes, long records) throws Exception {
        return JSON.readTree("{\"s3\": {\"requests\": {}}, \"produce\": {\"flushes\": 1, \"segment_puts\": " + puts
                + ", \"transactions\": " + transactions + ", \"bytes\": " + bytes + ", \"records\": " + records + "}}");
    }

    @Test
    void countsPerGibibyteOfFlushedBytesBetweenTwoReads() throws Exception {
        StatsDelta d = StatsDelta.between(stats(10, 4, 1000, 7), stats(2058, 1028, 1000 + (1L << 29), 1007));

        assertThat(d.segmentPuts()).isEqualTo(2048);
        assertThat(d.transactions()).isEqualTo(1024);
        assertThat(d.records()).isEqualTo(1000);
        assertThat(d.putsPerGiB()).isEqualTo(4096.0);
        assertThat(d.transactionsPerGiB()).isEqualTo(2048.0);
    }

    @Test
    void nothingFlushedIsNotANumberRatherThanInfinity() throws Exception {
        StatsDelta d = StatsDelta.between(stats(1, 1, 5, 1), stats(1, 1, 5, 1));

        assertThat(d.putsPerGiB()).isNaN();
    }

    @Test
    void aServerRestartBetweenReadsIsAnError() throws Exception {
        assertThatThrownBy(() -> StatsDelta.between(stats(10, 10, 10, 10), stats(1, 1, 1, 1)))
                .hasMessageContaining("backwards");
        assertThatThrownBy(() -> StatsDelta.between(JSON.readTree("{}"), stats(1, 1, 1, 1)))
                .hasMessageContaining("produce.segment_puts");
    }
}
