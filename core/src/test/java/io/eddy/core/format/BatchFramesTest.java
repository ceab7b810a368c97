package io.eddy.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.BatchFrames.Frame;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class BatchFramesTest {
    /** Frames carry opaque bytes here: batch validation is {@link BatchValidator}'s. */
    @Property(tries = 300)
    void decodeInvertsEncodeKeepingOrderAndRepeatedPartitions(@ForAll("frames") List<Frame> frames) {
        List<Frame> decoded = BatchFrames.decode(BatchFrames.encode(frames));

        assertThat(decoded)
                .extracting(Frame::partition)
                .containsExactlyElementsOf(frames.stream().map(Frame::partition).toList());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(bytes(decoded.get(i).batch()))
                    .isEqualTo(bytes(frames.get(i).batch()));
        }
    }

    @Example
    void encodedFrameIsPartitionThenLengthThenBatchBigEndian() {
        ByteBuffer body = BatchFrames.encode(List.of(
                new Frame(3, ByteBuffer.wrap(new byte[] {9, 8, 7})), new Frame(3, ByteBuffer.wrap(new byte[] {6}))));

        assertThat(HexFormat.of().formatHex(bytes(body)))
                .isEqualTo("00000003" + "00000003" + "090807" + "00000003" + "00000001" + "06");
    }

    @Example
    void framesAreSlicesOfTheBodyNotCopies() {
        ByteBuffer body = BatchFrames.encode(List.of(new Frame(0, ByteBuffer.wrap(new byte[] {1, 2, 3}))));

        Frame frame = BatchFrames.decode(body).get(0);
        body.put(BatchFrames.BATCH_OFFSET, (byte) 42);

        assertThat(frame.batch().get(0)).isEqualTo((byte) 42);
        assertThat(frame.batch().remaining()).isEqualTo(3);
    }

    @Example
    void emptyBodyIsCorrupt() {
        assertCorrupt(ByteBuffer.allocate(0), 0, "empty body");
    }

    @Property(tries = 50)
    void frameHeaderCutShortIsCorrupt(@ForAll @IntRange(min = 1, max = 7) int left) {
        ByteBuffer whole = BatchFrames.encode(List.of(new Frame(1, ByteBuffer.wrap(new byte[] {1, 2}))));
        byte[] body = Arrays.copyOf(bytes(whole), whole.remaining() + left);

        assertCorrupt(ByteBuffer.wrap(body), 1, "frame header cut short");
    }

    @Property(tries = 50)
    void batchCutShortIsCorrupt(@ForAll @IntRange(min = 1, max = 9) int missing) {
        ByteBuffer whole = BatchFrames.encode(
                List.of(new Frame(1, ByteBuffer.wrap(new byte[10])), new Frame(2, ByteBuffer.wrap(new byte[10]))));
        byte[] body = Arrays.copyOf(bytes(whole), whole.remaining() - missing);

        assertCorrupt(ByteBuffer.wrap(body), 1, "runs past the end of the body");
    }

    @Example
    void negativeLengthIsCorrupt() {
        ByteBuffer body = BatchFrames.encode(List.of(new Frame(1, ByteBuffer.wrap(new byte[4]))));
        body.putInt(BatchFrames.LENGTH_OFFSET, -4);

        assertCorrupt(body, 0, "negative length");
    }

    @Example
    void lengthBeyondTheBodyIsCorrupt() {
        ByteBuffer body = BatchFrames.encode(List.of(new Frame(1, ByteBuffer.wrap(new byte[4]))));
        body.putInt(BatchFrames.LENGTH_OFFSET, Integer.MAX_VALUE);

        assertCorrupt(body, 0, "runs past the end of the body");
    }

    @Example
    void negativePartitionIsCorrupt() {
        ByteBuffer body = BatchFrames.encode(
                List.of(new Frame(0, ByteBuffer.wrap(new byte[4])), new Frame(5, ByteBuffer.wrap(new byte[4]))));
        body.putInt(BatchFrames.FRAME_OVERHEAD + 4 + BatchFrames.PARTITION_OFFSET, -1);

        assertCorrupt(body, 1, "negative partition");
    }

    /**
     * The worked example of docs/protocol.md: one record (key "k", value "v", timestamp 1764000000000), no
     * compression, no producer id, to partition 3. If this changes, change the document.
     */
    @Example
    void workedExampleOfTheProtocolDocument() {
        ByteBuffer batch = RecordBatches.encode(
                List.of(new Record(
                        -1,
                        1_764_000_000_000L,
                        "k".getBytes(StandardCharsets.UTF_8),
                        "v".getBytes(StandardCharsets.UTF_8),
                        List.of())),
                0);
        ByteBuffer body = BatchFrames.encode(List.of(new Frame(3, batch)));

        assertThat(HexFormat.of().formatHex(bytes(body))).isEqualTo(WORKED_EXAMPLE);
        assertThat(BatchValidator.validate(body, 1_048_588)).singleElement().satisfies(v -> {
            assertThat(v.partition()).isEqualTo(3);
            assertThat(v.records()).isEqualTo(1);
        });
    }

    static final String WORKED_EXAMPLE = "00000003" + "00000046" + "0000000000000000" + "0000003a" + "ffffffff" + "02"
            + "f284838b" + "0000" + "00000000" + "0000019ab697e800" + "0000019ab697e800" + "ffffffffffffffff" + "ffff"
            + "ffffffff" + "00000001" + "10" + "00" + "00" + "00" + "02" + "6b" + "02" + "76" + "00";

    @Provide
    Arbitrary<List<Frame>> frames() {
        Arbitrary<Frame> frame = Combinators.combine(
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .as((p, b) -> new Frame(p, ByteBuffer.wrap(b)));
        return frame.list().ofMinSize(1).ofMaxSize(8);
    }

    static void assertCorrupt(ByteBuffer body, int frame, String reason) {
        assertThatThrownBy(() -> BatchFrames.decode(body)).isInstanceOfSatisfying(EddyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_BATCH);
            assertThat(e.details()).containsEntry("frame", frame);
            assertThat((String) e.details().get("reason")).contains(reason);
        });
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
