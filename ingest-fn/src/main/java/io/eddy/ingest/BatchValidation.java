package io.eddy.ingest;

import io.eddy.core.format.BatchValidator;
import io.eddy.core.format.InflateLimits;
import io.eddy.core.format.ValidatedBatch;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validates binary produce bodies ({@link BatchValidator}) on a fixed pool of its own, never on the event loop
 * that received them: validation decompresses, which is CPU work proportional to what the batches inflate to.
 * The pool's size bounds how many validations run at once, and so the memory they hold (one record each, at most
 * {@code max.message.bytes}, plus the codecs' buffers); requests beyond it wait in the pool's queue, holding only
 * their bodies, which are already read. Thread-safe.
 */
public final class BatchValidation implements AutoCloseable {
    private final ExecutorService pool;
    private final InflateLimits limits;

    public BatchValidation(int threads, InflateLimits limits) {
        if (threads < 1) {
            throw new IllegalArgumentException("validation threads must be positive: " + threads);
        }
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "eddy-validate-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.limits = limits;
    }

    /** The body's batches, validated on the pool; the item (or the 400/413 failure) is emitted from there. */
    public Uni<List<ValidatedBatch>> validate(byte[] body, int maxMessageBytes) {
        return Uni.createFrom()
                .item(() -> BatchValidator.validate(ByteBuffer.wrap(body), maxMessageBytes, limits))
                .runSubscriptionOn(pool);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
