package io.eddy.kafka.produce;

import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * Queues each connection's produce requests in core one after another, in the order they arrived: without it,
 * two pipelined requests for one partition (librdkafka sends many at once, Kafka's producer up to five) could be
 * looked up and queued for group commit in either order, and their records stored out of order. A turn ends
 * once the request is queued (the write path keeps a partition's queued runs in order), not once it is
 * committed, so the requests a producer has in flight share flushes instead of waiting one flush each. What
 * precedes a request's turn (copying and validating its batches) overlaps the previous request's.
 *
 * <p>{@link #take} must be called in the order the requests arrived (the dispatcher calls handlers on the
 * connection's event loop, in order). A connection's entry goes with its session (weak keys): nothing to clean
 * up when it closes. Thread-safe.
 */
final class ConnectionTurns {
    private static final CompletableFuture<Void> NONE = CompletableFuture.completedFuture(null);

    private final Map<KafkaSession, CompletableFuture<Void>> last = Collections.synchronizedMap(new WeakHashMap<>());

    /** One request's place in its connection's line. */
    record Turn(CompletableFuture<Void> previous, CompletableFuture<Void> mine) {
        /** Completes when every earlier request of the connection has finished its turn. */
        Uni<Void> ready() {
            return Uni.createFrom().completionStage(previous);
        }

        /** Lets the next request of the connection go. Idempotent. */
        void done() {
            mine.complete(null);
        }
    }

    /** The next turn of {@code session}'s connection, after every turn taken before. */
    Turn take(KafkaSession session) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> previous = last.put(session, mine);
        return new Turn(previous == null ? NONE : previous, mine);
    }
}
