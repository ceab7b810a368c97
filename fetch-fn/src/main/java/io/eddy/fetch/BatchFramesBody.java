package io.eddy.fetch;

import io.eddy.core.format.BatchFrames;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A binary fetch's body ({@link BatchFrames}: each stored batch framed with its partition and length) as one buffer
 * over the batches' own bytes: only the frame headers are written, the batches are not copied (the socket write
 * copies each byte once, into Netty's direct buffer). Building the body in one array and then copying that into
 * another took two copies and two allocations of up to {@code max_bytes} per fetch. Stateless, thread-safe.
 */
final class BatchFramesBody {
    private BatchFramesBody() {}

    /** The frames of {@code batches} (each from its position to its limit, left untouched), all of one partition. */
    static Buffer of(int partition, List<ByteBuffer> batches) {
        byte[] headers = new byte[batches.size() * BatchFrames.FRAME_OVERHEAD];
        ByteBuffer out = ByteBuffer.wrap(headers);
        // never consolidated: that would copy every batch into one array again
        CompositeByteBuf body = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        for (int i = 0; i < batches.size(); i++) {
            ByteBuffer batch = batches.get(i);
            out.putInt(partition).putInt(batch.remaining());
            body.addComponent(
                    true, Unpooled.wrappedBuffer(headers, i * BatchFrames.FRAME_OVERHEAD, BatchFrames.FRAME_OVERHEAD));
            body.addComponent(true, Unpooled.wrappedBuffer(batch.duplicate()));
        }
        return Buffer.buffer(body);
    }
}
