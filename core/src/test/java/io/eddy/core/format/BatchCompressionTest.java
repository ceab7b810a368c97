package io.eddy.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

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
import org.assertj.core.api.InstanceOfAssertFactories;
import org.apache.kafka.common.record.RecordBatch;

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

    /** gzip comes with the JDK; snappy-java and zstd-jni come with kafka-clients and must load their natives here. */
    @Example
    void noneGzipSnappyAndZstdWorkOnThisJvm() {
        assertThat(BatchCompression.availableCodecs())
                .contains(BatchCompression.NONE, BatchCompression.GZIP, BatchCompression.SNAPPY, BatchCompression.ZSTD);
    }

    @Example
    void everyAvailableCodecCompressesAndDecodesBack() {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(new Record(-1, 1_000 + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    "the same value again and again".getBytes(StandardCharsets.UTF_8),
                    List.of(new Header("h", new byte[]{(byte) i}))));
        }
        for (BatchCompression c : BatchCompression.availableCodecs()) {
            ByteBuffer batch = RecordBatches.encode(records, 0, c.compression());

            RecordBatch kafka = MemoryRecords.readableRecords(batch.duplicate()).firstBatch();
            assertThat(kafka.compressionType()).as(c.wireName()).isEqualTo(c.type());
            assertThat(RecordView.of(RecordBatches.decode(batch, 10, 0, Long.MAX_VALUE)))
                    .as(c.wireName()).containsExactlyElementsOf(RecordView.at(10, records));
            if (c != BatchCompression.NONE) {
                assertThat(batch.remaining()).as(c.wireName())
                        .isLessThan(RecordBatches.encode(records, 0).remaining());
            }
        }
    }

    @Example
    void unknownNameIsAnInvalidParameterListingTheAllowedNames() {
        assertThatThrownBy(() -> BatchCompression.fromWire("brotli"))
                .isInstanceOfSatisfying(EddyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
                    assertThat(e.details()).containsEntry("parameter", "compression").containsEntry("value", "brotli");
                    assertThat(e.details().get("allowed")).asInstanceOf(InstanceOfAssertFactories.list(String.class))
                            .containsAll(List.of("none", "gzip", "snappy", "zstd"));
                    assertThat(e.getMessage()).contains("brotli", "gzip", "zstd");
                });
    }

    /**
     * The parent pom's Quarkus BOM excludes {@code org.lz4:lz4-java} from kafka-clients (and manages
     * {@code at.yawk.lz4:lz4-java} in its place, which core does not depend on): lz4 is then refused, clearly.
     */
    @Example
    void lz4WithoutItsLibraryIsRefusedAsUnavailable() {
        assumeThat(lz4OnClasspath()).as("lz4-java present").isFalse();

        assertThat(BatchCompression.LZ4.available()).isFalse();
        assertThatThrownBy(() -> BatchCompression.fromWire("lz4"))
                .isInstanceOfSatisfying(EddyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
                    assertThat(e.getMessage()).contains("lz4 is not available");
                    assertThat(e.details().get("allowed")).asInstanceOf(InstanceOfAssertFactories.list(String.class)).doesNotContain("lz4");
                });
    }

    @Example
    void lz4WithItsLibraryWorks() {
        assumeThat(lz4OnClasspath()).as("lz4-java present").isTrue();

        assertThat(BatchCompression.fromWire("lz4").available()).isTrue();
    }

    private static boolean lz4OnClasspath() {
        try {
            Class.forName("net.jpountz.lz4.LZ4Factory");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
