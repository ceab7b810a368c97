package io.eddy.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Splits a connection's bytes into Kafka request frames: a 4-byte big-endian size, then that many bytes. The
 * size is checked against the limit before anything is held for the frame: {@code socket.request.max.bytes}, and
 * before the connection has authenticated the smaller {@link #MAX_BEFORE_AUTHENTICATION} (Kafka's
 * {@code sasl.server.max.receive.size}), so an unauthenticated client cannot make the server hold much. A
 * negative or oversized size closes the connection with one log line (Kafka's protocol has no error to answer a
 * frame it cannot read).
 *
 * <p>Emits each frame, without its size, copied once into an array of its own: the one copy of a request's bytes
 * on the way in. The produce path hands slices of that array to core as they are (a partition's record batch is
 * not copied again), and they may outlive the answer (acks=0), so a frame must not live in a pooled buffer. Until
 * a frame is complete the bytes read so far are kept as Netty read them (a composite of the socket's read
 * buffers), not merged into one growing buffer: merging a request of megabytes re-copied it at every doubling and
 * allocated each step over Netty's 4 MiB chunk afresh, zeroed (8–10% of the server's CPU under a Kafka producer
 * with 1 MiB batches). At most {@link #MAX_READS_HELD} read buffers are held; past that they are merged into one,
 * so a client trickling a byte per read cannot hold a whole read buffer per byte: memory held for an incomplete
 * frame stays about what the client has sent. One instance per connection; not thread-safe (Netty calls it from
 * the connection's event loop only).
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = Logger.getLogger(FrameDecoder.class);
    private static final int SIZE_BYTES = Integer.BYTES;
    /** The largest frame before SASL authentication, as Kafka's default {@code sasl.server.max.receive.size}. */
    static final int MAX_BEFORE_AUTHENTICATION = 512 << 10;
    /** Read buffers held for an incomplete frame before they are merged (a 64 KiB read each: 64 MiB unmerged). */
    static final int MAX_READS_HELD = 1024;

    private static final Cumulator HELD_AS_READ = (alloc, cumulation, in) -> {
        ByteBuf held = COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in);
        if (held instanceof CompositeByteBuf reads && reads.numComponents() > MAX_READS_HELD) {
            reads.discardReadComponents();
            reads.consolidate();
        }
        return held;
    };

    private final int maxRequestBytes;
    private final KafkaSession session;
    private boolean closing;

    FrameDecoder(int maxRequestBytes, KafkaSession session) {
        this.maxRequestBytes = maxRequestBytes;
        this.session = session;
        setCumulator(HELD_AS_READ);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (closing) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < SIZE_BYTES) {
            return;
        }
        int size = in.getInt(in.readerIndex());
        boolean authenticated = session.authenticated();
        int limit = authenticated ? maxRequestBytes : Math.min(maxRequestBytes, MAX_BEFORE_AUTHENTICATION);
        if (size < 0 || size > limit) {
            LOG.warnf(
                    "closing Kafka connection from %s: request size %d is outside 0..%d (%s)",
                    ctx.channel().remoteAddress(),
                    size,
                    limit,
                    authenticated ? "socket.request.max.bytes" : "sasl.server.max.receive.size before authentication");
            closing = true;
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (in.readableBytes() < SIZE_BYTES + size) {
            return;
        }
        in.skipBytes(SIZE_BYTES);
        byte[] frame = new byte[size];
        in.readBytes(frame);
        out.add(Unpooled.wrappedBuffer(frame));
    }
}
