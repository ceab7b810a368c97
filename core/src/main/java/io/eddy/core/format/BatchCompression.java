package io.eddy.core.format;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * The compression codecs of Kafka record batches, by the names clients use on the wire ({@code compression=zstd}).
 * snappy, lz4 and zstd need their libraries (snappy-java, lz4-java, zstd-jni) at run time; {@link #available()}
 * says whether this JVM can encode and decode with a codec, found by trying it once. Thread-safe.
 */
public enum BatchCompression {
    NONE("none", CompressionType.NONE),
    GZIP("gzip", CompressionType.GZIP),
    SNAPPY("snappy", CompressionType.SNAPPY),
    LZ4("lz4", CompressionType.LZ4),
    ZSTD("zstd", CompressionType.ZSTD);

    private final String wireName;
    private final CompressionType type;

    BatchCompression(String wireName, CompressionType type) {
        this.wireName = wireName;
        this.type = type;
    }

    /** The name on the wire: {@code none}, {@code gzip}, {@code snappy}, {@code lz4}, {@code zstd}. */
    public String wireName() {
        return wireName;
    }

    public CompressionType type() {
        return type;
    }

    /** The codec at its default level, for {@link RecordBatches#encode(List, long, Compression)}. */
    public Compression compression() {
        return Compression.of(type).build();
    }

    /** Whether this JVM can compress and decompress with the codec (its library is present and loads). */
    public boolean available() {
        return Probe.AVAILABLE.contains(this);
    }

    /** The codecs this JVM can use, in declaration order. */
    public static List<BatchCompression> availableCodecs() {
        return Arrays.stream(values()).filter(BatchCompression::available).toList();
    }

    /**
     * The codec a client names, case-insensitively.
     *
     * @throws EddyException {@link ErrorCode#INVALID_PARAMETER} for an unknown name or a codec this server cannot
     *                       use, with the names it accepts in the details ({@code allowed})
     */
    public static BatchCompression fromWire(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (BatchCompression c : values()) {
            if (c.wireName.equals(wanted)) {
                if (!c.available()) {
                    throw invalid(name, "compression " + c.wireName + " is not available on this server");
                }
                return c;
            }
        }
        throw invalid(name, "unknown compression '" + name + "'");
    }

    /** The codec of a batch's attributes. */
    public static BatchCompression of(CompressionType type) {
        for (BatchCompression c : values()) {
            if (c.type == type) {
                return c;
            }
        }
        throw new IllegalArgumentException("no codec for " + type);
    }

    private static EddyException invalid(String value, String message) {
        List<String> allowed =
                availableCodecs().stream().map(BatchCompression::wireName).toList();
        return new EddyException(
                ErrorCode.INVALID_PARAMETER,
                message + "; allowed: " + String.join(", ", allowed),
                Map.of("parameter", "compression", "value", value, "allowed", allowed));
    }

    /** Tries each codec once, when availability is first asked: a missing class or native library means no. */
    private static final class Probe {
        static final Set<BatchCompression> AVAILABLE = probe();

        private static Set<BatchCompression> probe() {
            Set<BatchCompression> out = EnumSet.noneOf(BatchCompression.class);
            for (BatchCompression c : values()) {
                if (works(c)) {
                    out.add(c);
                }
            }
            return out;
        }

        private static boolean works(BatchCompression c) {
            byte[] value = "eddy probes its codecs".repeat(4).getBytes(StandardCharsets.US_ASCII);
            try {
                MemoryRecordsBuilder builder = MemoryRecords.builder(
                        ByteBuffer.allocate(256),
                        RecordBatch.MAGIC_VALUE_V2,
                        c.compression(),
                        TimestampType.CREATE_TIME,
                        0L);
                builder.appendWithOffset(0, 0L, null, value);
                RecordBatch batch = builder.build().firstBatch();
                try (CloseableIterator<org.apache.kafka.common.record.Record> it =
                        batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                    return batch.compressionType() == c.type
                            && it.hasNext()
                            && it.next().value().equals(ByteBuffer.wrap(value))
                            && !it.hasNext();
                }
            } catch (LinkageError | RuntimeException e) {
                // NoClassDefFoundError or UnsatisfiedLinkError: the codec's library is absent or does not load here
                return false;
            }
        }
    }
}
