package io.eddy.core.produce;

import java.util.Map;

/**
 * The idempotence fields of a JSON produce: the producer, its epoch, and per partition the sequence of the
 * first record the request sends there (the next ones follow in request order).
 */
public record ProducerFields(long producerId, short epoch, Map<Integer, Integer> baseSequences) {
    public ProducerFields {
        baseSequences = Map.copyOf(baseSequences);
    }
}
