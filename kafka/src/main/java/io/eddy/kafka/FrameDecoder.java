package io.eddy.kafka;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Splits a connection's bytes into Kafka request frames: a 4-byte big-endian size, then that many bytes. The
 * size is checked against the limit before anything is held for the frame; a negative or oversized size closes
 * the connection with one log line (Kafka's protocol has no error to answer a frame it cannot read). Emits each
 * frame, without its size, as a retained slice the next handler releases. One instance per connection; not
 * thread-safe (Netty calls it from the connection's event loop only).
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = Logger.getLogger(FrameDecoder.class);
    private static final int SIZE_BYTES = Integer.BYTES;

    private final int maxRequestBytes;
    private boolean closing;

    FrameDecoder(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
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
        if (size < 0 || size > maxRequestBytes) {
            LOG.warnf(
                    "closing Kafka connection from %s: request size %d is outside 0..%d (socket.request.max.bytes)",
                    ctx.channel().remoteAddress(), size, maxRequestBytes);
            closing = true;
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (in.readableBytes() < SIZE_BYTES + size) {
            return;
        }
        in.skipBytes(SIZE_BYTES);
        out.add(in.readRetainedSlice(size));
    }
}
