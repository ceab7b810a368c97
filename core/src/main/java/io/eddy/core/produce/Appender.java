package io.eddy.core.produce;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Stores requests' runs in segment objects and commits them. Thread-safe.
 */
public interface Appender {

    /**
     * Appends the request; the item is the base offset of each run, in the request's order. A request whose
     * run is refused (a fenced producer, a sequence gap) fails as a whole and stores nothing.
     */
    Uni<List<Long>> append(AppendRequest request);

    /**
     * Takes the request without waiting for its commit (acks=0): the item arrives once the request is queued,
     * and is the outcome {@link #append} would have given, still to come. A request that cannot be taken (a
     * full queue: {@code throttled}) fails here, before anything is accepted. By default the request is
     * started at once and nothing is queued.
     */
    default Uni<CompletionStage<List<Long>>> enqueue(AppendRequest request) {
        return Uni.createFrom().item(() -> append(request).subscribeAsCompletionStage());
    }
}
