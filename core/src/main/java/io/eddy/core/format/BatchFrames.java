package io.eddy.core.format;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The body of a binary produce request ({@code Content-Type: application/vnd.eddy.batches}): Kafka v2 record
 * batches, each tagged with the partition it goes to. Stateless and thread-safe.
 *
 * <pre>
 * body     frame+            until the end of the body; at least one
 * frame    PARTITION int32 | LENGTH int32 | BATCH (LENGTH bytes: exactly one Kafka v2 record batch)
 * </pre>
 * All integers are big-endian, as in Kafka. Several frames may name the same partition; their order is kept. This
 * class checks only the framing; {@link BatchValidator} checks the batches.
 */
public final class BatchFrames {
    public static final int PARTITION_OFFSET = 0;
    public static final int LENGTH_OFFSET = 4;
    public static final int BATCH_OFFSET = 8;
    /** The bytes of a frame before its batch. */
    public static final int FRAME_OVERHEAD = BATCH_OFFSET;

    public static final String MEDIA_TYPE = "application/vnd.eddy.batches";

    private BatchFrames() {}

    /**
     * One frame: a partition and one record batch, as the client sent it.
     *
     * @param batch the batch's bytes, from its position to its limit
     */
    public record Frame(int partition, ByteBuffer batch) {
        public Frame {
            if (partition < 0) {
                throw new IllegalArgumentException("negative partition " + partition);
            }
        }
    }

    /**
     * Splits a body into its frames, in order. Each frame's batch is a slice of {@code body}: it shares its bytes
     * (writable if the body is), copies nothing, and is not yet validated.
     *
     * @throws EddyException {@link ErrorCode#CORRUPT_BATCH}, with details {@code frame} (the index of the frame at
     *                       fault) and {@code reason}: an empty body, a frame header or batch cut short, a negative
     *                       length or partition
     */
    public static List<Frame> decode(ByteBuffer body) {
        ByteBuffer in = body.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (!in.hasRemaining()) {
            throw corrupt(0, "empty body: a binary produce carries at least one frame");
        }
        List<Frame> frames = new ArrayList<>();
        while (in.hasRemaining()) {
            int index = frames.size();
            int at = in.position();
            if (in.remaining() < FRAME_OVERHEAD) {
                throw corrupt(
                        index,
                        "frame header cut short: " + in.remaining() + " bytes left of " + FRAME_OVERHEAD + " at byte "
                                + at);
            }
            int partition = in.getInt(at + PARTITION_OFFSET);
            int length = in.getInt(at + LENGTH_OFFSET);
            if (partition < 0) {
                throw corrupt(index, "negative partition " + partition);
            }
            if (length < 0) {
                throw corrupt(index, "negative length " + length);
            }
            if (length > in.remaining() - FRAME_OVERHEAD) {
                throw corrupt(
                        index,
                        "length " + length + " runs past the end of the body: " + (in.remaining() - FRAME_OVERHEAD)
                                + " bytes left");
            }
            frames.add(new Frame(partition, in.slice(at + BATCH_OFFSET, length)));
            in.position(at + BATCH_OFFSET + length);
        }
        return frames;
    }

    /** Writes frames into a body, in order: what a client sends. */
    public static ByteBuffer encode(List<Frame> frames) {
        long size = 0;
        for (Frame f : frames) {
            size += FRAME_OVERHEAD + f.batch().remaining();
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("frames too large for one body: " + size + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        for (Frame f : frames) {
            out.putInt(f.partition())
                    .putInt(f.batch().remaining())
                    .put(f.batch().duplicate());
        }
        return out.flip();
    }

    static EddyException corrupt(int frame, String reason) {
        return new EddyException(
                ErrorCode.CORRUPT_BATCH, "frame " + frame + ": " + reason, Map.of("frame", frame, "reason", reason));
    }
}
