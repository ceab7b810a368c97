package io.eddy.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.RecordView;
import io.eddy.core.model.Header;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.assertj.core.api.InstanceOfAssertFactories;

class BatchCompressionTest {
    @Example
    void wireNamesMapToKafkaCodecs() {
        for (BatchCompression c : BatchCompression.availableCodecs()) {
            assertThat(BatchCompression.fromWire(c.wireName())).isSameAs(c);
            assertThat(BatchCompression.fromWire(c.wireName().toUpperCase())).isSameAs(c);
            assertThat(c.compression().type()).isEqualTo(c.type());
            assertThat(BatchCompression.of(c.type())).isSameAs(c);
        }
    }

    /**
     * gzip comes with the JDK; snappy-java and zstd-jni come with kafka-clients and must load their natives here;
     * lz4 comes from core's own at.yawk.lz4 dependency (the Quarkus BOM excludes kafka-clients' org.lz4 one).
     */
    @Example
    void everyKafkaCodecWorksOnThisJvm() {
        assertThat(BatchCompression.availableCodecs())
                .containsExactly(
                        BatchCompression.NONE,
                        BatchCompression.GZIP,
                        BatchCompression.SNAPPY,
                        BatchCompression.LZ4,
                        BatchCompression.ZSTD);
    }

    @Example
    void everyAvailableCodecCompressesAndDecodesBack() {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(new Record(
                    -1,
                    1_000 + i,
                    ("k" + i).getBytes(StandardCharsets.UTF_8),
                    "the same value again and again".getBytes(StandardCharsets.UTF_8),
                    List.of(new Header("h", new byte[] {(byte) i}))));
        }
        for (BatchCompression c : BatchCompression.availableCodecs()) {
            ByteBuffer batch = RecordBatches.encode(records, 0, c.compression());

            RecordBatch kafka = MemoryRecords.readableRecords(batch.duplicate()).firstBatch();
            assertThat(kafka.compressionType()).as(c.wireName()).isEqualTo(c.type());
            assertThat(RecordView.of(RecordBatches.decode(batch, 10, 0, Long.MAX_VALUE)))
                    .as(c.wireName())
                    .containsExactlyElementsOf(RecordView.at(10, records));
            if (c != BatchCompression.NONE) {
                assertThat(batch.remaining())
                        .as(c.wireName())
                        .isLessThan(RecordBatches.encode(records, 0).remaining());
            }
        }
    }

    @Example
    void unknownNameIsAnInvalidParameterListingTheAllowedNames() {
        assertThatThrownBy(() -> BatchCompression.fromWire("brotli")).isInstanceOfSatisfying(EddyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
            assertThat(e.details()).containsEntry("parameter", "compression").containsEntry("value", "brotli");
            assertThat(e.details().get("allowed"))
                    .asInstanceOf(InstanceOfAssertFactories.list(String.class))
                    .containsAll(List.of("none", "gzip", "snappy", "zstd"));
            assertThat(e.getMessage()).contains("brotli", "gzip", "zstd");
        });
    }

    /** A name must be a codec's whole wire name. */
    @Example
    void aNameIsMatchedWholeNotByPrefix() {
        assertThatThrownBy(() -> BatchCompression.fromWire("lz"))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.getMessage()).contains("unknown compression 'lz'"));
    }
}
