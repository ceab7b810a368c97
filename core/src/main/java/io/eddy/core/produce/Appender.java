package io.eddy.core.produce;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Stores requests' runs in segment objects and commits them. Thread-safe.
 */
public interface Appender {

    /**
     * Appends the request; the item is the base offset of each run, in the request's order. A request whose
     * run is refused (a fenced producer, a sequence gap) fails as a whole and stores nothing.
     */
    Uni<List<Long>> append(AppendRequest request);
}
