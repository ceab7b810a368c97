package io.eddy.fetch;

import io.eddy.core.fetch.ServedBatch;
import io.eddy.core.format.BatchFrames;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A binary fetch's body ({@link BatchFrames}: each stored batch framed with its partition and length) as one buffer
 * over the batches' own bytes where they lie (the block cache's blocks): only each frame's header and the batch's
 * real base offset are written, into one small array, and the rest of each batch is a view (the socket write
 * copies each byte once, into Netty's direct buffer). Building the body in one array, and before that copying each
 * chunk out of its block to patch base offsets in place, copied every byte twice more. Stateless, thread-safe.
 */
final class BatchFramesBody {
    /** A frame's header, then the batch's base offset. */
    private static final int HEAD = BatchFrames.FRAME_OVERHEAD + Long.BYTES;

    private BatchFramesBody() {}

    /** The frames of {@code batches} (their bytes left untouched), all of one partition. */
    static Buffer of(int partition, List<ServedBatch> batches) {
        byte[] heads = new byte[batches.size() * HEAD];
        ByteBuffer out = ByteBuffer.wrap(heads);
        // never consolidated: that would copy every batch into one array again
        CompositeByteBuf body = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        for (int i = 0; i < batches.size(); i++) {
            ServedBatch batch = batches.get(i);
            out.putInt(partition).putInt(batch.sizeInBytes());
            batch.writeBaseOffset(out);
            body.addComponent(true, Unpooled.wrappedBuffer(heads, i * HEAD, HEAD));
            body.addComponent(true, Unpooled.wrappedBuffer(batch.afterBaseOffset()));
        }
        return Buffer.buffer(body);
    }
}
