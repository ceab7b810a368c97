package io.eddy.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.UnalignedMemoryRecords;

/**
 * Writes one response frame without copying record bytes: everything but records goes into one array sized
 * beforehand ({@link org.apache.kafka.common.protocol.MessageSizeAccumulator#sizeExcludingZeroCopy()} plus the
 * size prefix), and each records field becomes its own part of the frame, a view of the bytes it came in, between
 * the array's parts. One instance per frame; not thread-safe.
 */
final class ResponseFrameWriter implements Writable {
    private final byte[] array;
    private final ByteBufferAccessor out;
    private CompositeByteBuf parts;
    /** Where the array's bytes not yet in {@link #parts} start. */
    private int cut;

    /** @param heapBytes the bytes of the frame that are not records, size prefix included */
    ResponseFrameWriter(int heapBytes) {
        this.array = new byte[heapBytes];
        this.out = new ByteBufferAccessor(ByteBuffer.wrap(array));
    }

    /** The frame: the array alone when no records were written, else the array's parts around the records. */
    ByteBuf frame() {
        if (out.buffer().position() != array.length) {
            throw new IllegalStateException(
                    "wrote " + out.buffer().position() + " bytes besides records, sized " + array.length);
        }
        if (parts == null) {
            return Unpooled.wrappedBuffer(array);
        }
        cutArray();
        return parts;
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (parts == null) {
            parts = Unpooled.compositeBuffer(Integer.MAX_VALUE); // never consolidated (that would copy)
        }
        cutArray();
        for (ByteBuffer b : buffersOf(records)) {
            if (b.hasRemaining()) {
                parts.addComponent(true, Unpooled.wrappedBuffer(b));
            }
        }
    }

    private static List<ByteBuffer> buffersOf(BaseRecords records) {
        if (records instanceof StoredRecords stored) {
            return stored.buffers();
        }
        if (records instanceof MemoryRecords memory) {
            return List.of(memory.buffer());
        }
        if (records instanceof UnalignedMemoryRecords unaligned) {
            return List.of(unaligned.buffer());
        }
        throw new UnsupportedOperationException("records of " + records.getClass() + " cannot be written");
    }

    private void cutArray() {
        int end = out.buffer().position();
        if (end > cut) {
            parts.addComponent(true, Unpooled.wrappedBuffer(array, cut, end - cut));
            cut = end;
        }
    }

    @Override
    public void writeByte(byte val) {
        out.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        out.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        out.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        out.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        out.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        out.writeByteArray(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        out.writeUnsignedVarint(i);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        out.writeByteBuffer(buf);
    }

    @Override
    public void writeVarint(int i) {
        out.writeVarint(i);
    }

    @Override
    public void writeVarlong(long i) {
        out.writeVarlong(i);
    }
}
