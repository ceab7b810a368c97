package io.eddy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class FrameDecoderTest {
    private static final KafkaSession OPEN = KafkaSession.open(new InetSocketAddress("127.0.0.1", 1));

    /**
     * However the socket splits a connection's bytes, each frame comes out whole, in order, in an array of its own
     * (the produce path keeps slices of it past the answer, so it must not share a pooled buffer), and every
     * buffer the socket read is released once its bytes are in frames.
     */
    @Property(tries = 300)
    void framesComeOutWholeInArraysOfTheirOwnHoweverTheBytesAreSplit(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(max = 5_000) Integer> sizes,
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 1, max = 3_000) Integer> reads) {
        ByteBuf stream = Unpooled.buffer();
        for (int f = 0; f < sizes.size(); f++) {
            stream.writeInt(sizes.get(f));
            for (int i = 0; i < sizes.get(f); i++) {
                stream.writeByte(f * 31 + i);
            }
        }
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1 << 20, OPEN));
        List<ByteBuf> sent = new ArrayList<>();
        for (int r = 0; stream.isReadable(); r++) {
            ByteBuf read = stream.readRetainedSlice(Math.min(stream.readableBytes(), reads.get(r % reads.size())))
                    .copy();
            sent.add(read);
            channel.writeInbound(read.retain());
        }
        stream.release();

        for (int f = 0; f < sizes.size(); f++) {
            ByteBuf frame = channel.readInbound();
            assertThat(frame).as("frame %d", f).isNotNull();
            assertThat(frame.readableBytes()).isEqualTo(sizes.get(f));
            assertThat(frame.hasArray()).isTrue();
            assertThat(frame.arrayOffset() + frame.readerIndex()).isZero();
            assertThat(frame.array()).hasSize(sizes.get(f));
            for (int i = 0; i < sizes.get(f); i++) {
                assertThat(frame.getByte(i)).isEqualTo((byte) (f * 31 + i));
            }
            frame.release();
        }
        assertThat((Object) channel.readInbound()).isNull();
        for (ByteBuf read : sent) {
            assertThat(read.refCnt()).as("the decoder let go of what it read").isEqualTo(1);
            read.release();
        }
        assertThat(channel.finish()).isFalse();
    }

    /** A client trickling a byte per read holds no more than {@link FrameDecoder#MAX_READS_HELD} read buffers. */
    @Example
    void aFrameSentAByteAtATimeHoldsABoundedNumberOfReadBuffers() {
        int size = 3 * FrameDecoder.MAX_READS_HELD;
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1 << 20, OPEN));
        List<ByteBuf> sent = new ArrayList<>();
        ByteBuf header = Unpooled.buffer(4).writeInt(size);
        channel.writeInbound(header);
        for (int i = 0; i < size - 1; i++) {
            ByteBuf read = Unpooled.buffer(4096).writeByte(i);
            sent.add(read);
            channel.writeInbound(read.retain());
        }

        long held = sent.stream().filter(b -> b.refCnt() > 1).count();
        assertThat(held).isLessThanOrEqualTo(FrameDecoder.MAX_READS_HELD + 1);
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(Unpooled.buffer(1).writeByte(size - 1));
        ByteBuf frame = channel.readInbound();
        assertThat(frame.readableBytes()).isEqualTo(size);
        for (int i = 0; i < size; i++) {
            assertThat(frame.getByte(i)).isEqualTo((byte) i);
        }
        frame.release();
        sent.forEach(ByteBuf::release);
        assertThat(channel.finish()).isFalse();
    }
}
