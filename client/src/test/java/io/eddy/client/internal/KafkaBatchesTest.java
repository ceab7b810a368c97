package io.eddy.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.client.Header;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

class KafkaBatchesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodeReadsBackWhatWasEncodedFromTheRequestedOffset() {
        List<KafkaBatches.Entry> entries = List.of(
                new KafkaBatches.Entry(b("k0"), b("v0"), new Header[0], 1_000),
                new KafkaBatches.Entry(null, b("v1"), new Header[] {new Header("trace", b("abc"))}, 1_001),
                new KafkaBatches.Entry(b("k2"), null, new Header[0], 1_002));
        ByteBuffer batch = KafkaBatches.batch(entries, KafkaBatches.compression("gzip"), 42L, (short) 3, 17);
        // as the server returns it: base offset patched to 100
        batch.putLong(0, 100L);

        List<KafkaBatches.Decoded> decoded =
                KafkaBatches.decode(KafkaBatches.frames(List.of(new KafkaBatches.Frame(5, batch))), 101);

        assertThat(decoded).extracting(KafkaBatches.Decoded::offset).containsExactly(101L, 102L);
        assertThat(decoded.get(0).key()).isNull();
        assertThat(decoded.get(0).value()).isEqualTo(b("v1"));
        assertThat(decoded.get(0).headers()).containsExactly(new Header("trace", b("abc")));
        assertThat(decoded.get(0).timestamp()).isEqualTo(1_001);
        assertThat(decoded.get(1).value()).isNull();
    }

    @Test
    void anIdempotentBatchCarriesItsProducerEpochAndSequence() {
        ByteBuffer batch = KafkaBatches.batch(
                List.of(new KafkaBatches.Entry(null, b("v"), new Header[0], 1)),
                KafkaBatches.compression("none"),
                7L,
                (short) 2,
                300);
        RecordBatch read =
                MemoryRecords.readableRecords(batch).batches().iterator().next();
        assertThat(read.producerId()).isEqualTo(7L);
        assertThat(read.producerEpoch()).isEqualTo((short) 2);
        assertThat(read.baseSequence()).isEqualTo(300);
        read.ensureValid();
    }

    @Test
    void framesArePartitionLengthBatch() {
        ByteBuffer batch = KafkaBatches.batch(
                List.of(new KafkaBatches.Entry(null, b("v"), new Header[0], 1)),
                KafkaBatches.compression("none"),
                -1L,
                (short) -1,
                -1);
        ByteBuffer body = ByteBuffer.wrap(KafkaBatches.frames(List.of(new KafkaBatches.Frame(3, batch))));
        assertThat(body.getInt()).isEqualTo(3);
        assertThat(body.getInt()).isEqualTo(batch.remaining()).isEqualTo(body.remaining());
    }
}
