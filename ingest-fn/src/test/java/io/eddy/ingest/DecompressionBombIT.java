package io.eddy.ingest;

import static io.eddy.testkit.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.format.BatchFrames;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decompression bombs over HTTP: small bodies whose batches declare or inflate to far more than any limit are
 * refused at once with problem+json, several at a time, store nothing, and the server goes on answering.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class DecompressionBombIT {
    private static final long T0 = 1_764_000_000_000L;
    private static final int MIB = 1 << 20;

    @TestHTTPResource("/")
    URL url;

    Http http;
    String topic;

    @BeforeEach
    void topic() {
        http = new Http(URI.create(url.toString()));
        topic = "bombs-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 1}").status())
                .isEqualTo(201);
    }

    @Test
    void aRecordDeclaring1Point5GBIsTooLargeAndTheServerStillAnswers() {
        byte[] bomb = body(batch(Compression.gzip().build(), 1, out -> {
            ByteUtils.writeVarint(1_500_000_000, out);
            out.write(new byte[64]);
        }));
        assertThat(bomb.length).isLessThan(200);

        Http.Reply r = produce(bomb);

        assertProblem(r, 413, "record_too_large");
        assertThat(r.body().get("size").asLong()).isEqualTo(1_500_000_000L);
        assertStillAnswers();
    }

    @Test
    void zerosThatInflatePastTheBatchLimitAreTooLargeAndStoreNothing() {
        byte[] bomb = body(batch(Compression.zstd().build(), 96, out -> zeroRecords(out, 96, MIB - 64)));
        assertThat(bomb.length).isLessThan(64 * 1024);

        Http.Reply r = produce(bomb);

        assertProblem(r, 413, "record_too_large");
        assertThat(r.body().get("max_inflated_batch_bytes").asLong()).isEqualTo(64L * MIB);
        assertStillAnswers();
    }

    @Test
    void bombsInParallelAreAllRefusedAndTheServerStillAnswers() {
        byte[] length = body(batch(Compression.lz4().build(), 1, out -> {
            ByteUtils.writeVarint(1_500_000_000, out);
            out.write(new byte[64]);
        }));
        byte[] zeros = body(batch(Compression.gzip().build(), 96, out -> zeroRecords(out, 96, MIB - 64)));

        List<CompletableFuture<Http.Reply>> sent = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> produce(i % 2 == 0 ? length : zeros)))
                .toList();

        for (CompletableFuture<Http.Reply> f : sent) {
            assertProblem(f.join(), 413, "record_too_large");
        }
        assertStillAnswers();
    }

    /** Nothing of the bombs was stored, and a well-formed produce after them gets offset 0. */
    private void assertStillAnswers() {
        Http.Reply ok = http.post("/v1/topics/" + topic + "/records", "{\"records\": [{\"value\": \"after\"}]}");
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(ok.body().get("offsets").get(0).get("offset").asLong()).isZero();
    }

    private Http.Reply produce(byte[] body) {
        return http.post("/v1/topics/" + topic + "/records", BatchFrames.MEDIA_TYPE, body);
    }

    private interface RecordsWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] body(ByteBuffer batch) {
        ByteBuffer body = BatchFrames.encode(List.of(new BatchFrames.Frame(0, batch)));
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return bytes;
    }

    /** A v2 batch whose records section is whatever {@code records} writes, compressed, under a valid CRC. */
    private static ByteBuffer batch(Compression codec, int count, RecordsWriter records) {
        ByteBufferOutputStream out = new ByteBufferOutputStream(4096);
        try (DataOutputStream compressed = new DataOutputStream(codec.wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2))) {
            records.write(compressed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer payload = out.buffer().flip();
        ByteBuffer batch = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD + payload.remaining());
        batch.position(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
        batch.put(payload).flip();
        DefaultRecordBatch.writeHeader(
                batch,
                0L,
                count - 1,
                batch.limit(),
                RecordBatch.MAGIC_VALUE_V2,
                codec.type(),
                TimestampType.CREATE_TIME,
                T0,
                T0,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                false,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH,
                count);
        return batch.rewind();
    }

    /** Well-formed records at T0, no key, each a value of {@code valueSize} zeros. */
    private static void zeroRecords(DataOutputStream out, int count, int valueSize) throws IOException {
        byte[] zeros = new byte[64 * 1024];
        for (int i = 0; i < count; i++) {
            ByteUtils.writeVarint(
                    1 + 1 + ByteUtils.sizeOfVarint(i) + 1 + ByteUtils.sizeOfVarint(valueSize) + valueSize + 1, out);
            out.write(0);
            ByteUtils.writeVarlong(0, out);
            ByteUtils.writeVarint(i, out);
            ByteUtils.writeVarint(-1, out);
            ByteUtils.writeVarint(valueSize, out);
            for (int left = valueSize; left > 0; left -= zeros.length) {
                out.write(zeros, 0, Math.min(left, zeros.length));
            }
            ByteUtils.writeVarint(0, out);
        }
    }
}
