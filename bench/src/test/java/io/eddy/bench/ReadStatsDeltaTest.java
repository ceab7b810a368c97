package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ReadStatsDeltaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode stats(long memHits, long diskHits, long gets, long getBytes, long indexMisses, boolean disk)
            throws Exception {
        return JSON.readTree("{\"s3\": {\"requests\": {\"GetObject\": " + (gets + 1)
                + "}}, \"cache\": {\"block_bytes\": 4194304,"
                + "\"memory\": {\"hits\": " + memHits
                + ", \"misses\": 3, \"joined\": 0, \"bytes\": 0, \"evictions\": 0},"
                + "\"disk\": "
                + (disk ? "{\"enabled\": true, \"hits\": " + diskHits + ", \"misses\": 1}" : "{\"enabled\": false}")
                + ", \"s3\": {\"gets\": " + gets + ", \"bytes\": " + getBytes + "},"
                + "\"index\": {\"hits\": 9, \"misses\": " + indexMisses + "}},"
                + "\"dynamodb\": {\"requests\": {\"Query\": " + indexMisses + ", \"BatchGetItem\": " + memHits + "}},"
                + "\"fetch\": {\"head_reads\": " + memHits + ", \"index_queries\": " + indexMisses + "}}");
    }

    @Test
    void countsEachTiersHitsAndTheGetsPerGibibyteConsumersReceived() throws Exception {
        ReadStatsDelta d = ReadStatsDelta.between(
                stats(10, 5, 100, 1000, 2, true), stats(30, 7, 356, 1000 + (1L << 31), 26, true));

        assertThat(d.memoryHits()).isEqualTo(20);
        assertThat(d.diskHits()).isEqualTo(2);
        assertThat(d.s3Gets()).isEqualTo(256);
        assertThat(d.getObjects()).isEqualTo(256);
        assertThat(d.indexMisses()).isEqualTo(24);
        assertThat(d.dynamoCalls()).as("every DynamoDB request, of any kind").isEqualTo(44);
        assertThat(d.headReads()).isEqualTo(20);
        assertThat(d.indexQueries()).isEqualTo(24);
        assertThat(d.dynamoCallsPerFetch(88)).isEqualTo(0.5);
        assertThat(d.getsPerGiB(1L << 30)).isEqualTo(256.0);
        assertThat(d.s3BytesPerByteRead(1L << 30)).isEqualTo(2.0);
    }

    @Test
    void noDiskTierCountsZeroAndNothingReadIsNotANumber() throws Exception {
        ReadStatsDelta d = ReadStatsDelta.between(stats(1, 0, 1, 1, 0, false), stats(1, 0, 1, 1, 0, false));

        assertThat(d.diskHits()).isZero();
        assertThat(d.getsPerGiB(0)).isNaN();
    }

    @Test
    void aServerRestartBetweenReadsIsAnError() throws Exception {
        assertThatThrownBy(() -> ReadStatsDelta.between(stats(50, 0, 1, 1, 0, false), stats(1, 0, 1, 1, 0, false)))
                .hasMessageContaining("backwards");
        assertThatThrownBy(() -> ReadStatsDelta.between(JSON.readTree("{}"), stats(1, 0, 1, 1, 0, false)))
                .hasMessageContaining("cache.memory.hits");
    }
}
