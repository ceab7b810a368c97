package io.eddy.client.internal;

import io.eddy.client.Header;
import io.eddy.client.TopicPartition;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Batches and records of given sizes for the producer's unit tests. */
final class Batches {
    private Batches() {}

    /** A record that holds {@code size} bytes of buffer room. */
    static ProducerBatch.Pending record(int size) {
        return record(size, 0L);
    }

    /** A record that holds {@code size} bytes of buffer room and has {@code timestamp}, to tell it apart. */
    static ProducerBatch.Pending record(int size, long timestamp) {
        return new ProducerBatch.Pending(
                new KafkaBatches.Entry(null, new byte[0], new Header[0], timestamp), size, new CompletableFuture<>());
    }

    /** A batch of one record of {@code size} bytes, sealed as {@code size} bytes, created at {@code createdNs}. */
    static ProducerBatch sealed(TopicPartition tp, int size, long createdNs) {
        ProducerBatch b = new ProducerBatch(tp, createdNs);
        b.add(record(size));
        b.seal(ByteBuffer.allocate(size), -1);
        return b;
    }
}
