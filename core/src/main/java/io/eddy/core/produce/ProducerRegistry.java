package io.eddy.core.produce;

import io.eddy.core.storage.MetadataStore;
import io.smallrye.mutiny.Uni;
import java.time.Clock;

/** Registers idempotent producers and bumps their epochs (which fences older instances). Thread-safe. */
public final class ProducerRegistry {
    private final MetadataStore metadata;
    private final Clock clock;

    public ProducerRegistry(MetadataStore metadata, Clock clock) {
        this.metadata = metadata;
        this.clock = clock;
    }

    /** A producer id and the epoch to send with it. */
    public record Registration(long producerId, short epoch) {
    }

    public Uni<Registration> register() {
        return metadata.registerProducer(clock.millis()).map(id -> new Registration(id, (short) 0));
    }

    /** The producer's next epoch; batches of the older ones are refused from now on. */
    public Uni<Registration> bumpEpoch(long producerId) {
        return metadata.bumpProducerEpoch(producerId).map(epoch -> new Registration(producerId, epoch));
    }
}
