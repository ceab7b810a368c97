package io.eddy.core.produce;

import io.eddy.core.auth.Principal;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.MetadataStore.RegisteredProducer;
import io.smallrye.mutiny.Uni;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Registers idempotent producers and bumps their epochs (which fences older instances). A producer id is a random
 * positive 53-bit number (within Kafka's int64 producer ids), unique by a conditional write, so ids cannot be
 * guessed from one another; it belongs to the principal that registered it, and only that principal may bump it,
 * presenting the current epoch, as Kafka's {@code InitProducerId} with an existing producer (KIP-360): the current
 * epoch is bumped; the epoch the last bump started from gets the current one back (the retry of a bump whose answer
 * was lost); any other is {@code producer_fenced}. Thread-safe.
 */
public final class ProducerRegistry {
    /** Attempts at a free random id before giving up (a collision among 2^53 ids is all but impossible). */
    private static final int REGISTER_ATTEMPTS = 5;
    /** Re-reads after a bump that lost a race with another bump of the same producer. */
    private static final int BUMP_ATTEMPTS = 3;

    private final MetadataStore metadata;
    private final Clock clock;
    private final LongSupplier randomLongs;

    public ProducerRegistry(MetadataStore metadata, Clock clock) {
        this(metadata, clock, new SecureRandom()::nextLong);
    }

    /** With the source of random longs ids are drawn from (tests make collisions with it). */
    public ProducerRegistry(MetadataStore metadata, Clock clock, LongSupplier randomLongs) {
        this.metadata = metadata;
        this.clock = clock;
        this.randomLongs = randomLongs;
    }

    /** A producer id and the epoch to send with it. */
    public record Registration(long producerId, short epoch) {}

    /** Registers a new producer, owned by {@code principal} (a principal's name), at epoch 0. */
    public Uni<Registration> register(String principal) {
        return register(principal, 0);
    }

    private Uni<Registration> register(String principal, int attempt) {
        if (attempt >= REGISTER_ATTEMPTS) {
            return Uni.createFrom()
                    .failure(new EddyException(ErrorCode.METADATA_UNAVAILABLE, "no free producer id was found; retry"));
        }
        long id = nextId();
        return metadata.registerProducer(id, principal, clock.millis())
                .flatMap(free -> free
                        ? Uni.createFrom().item(new Registration(id, (short) 0))
                        : register(principal, attempt + 1));
    }

    /**
     * The largest id: 2^53 - 1, so that an id is exact in every JSON parser (JavaScript's numbers are doubles), and
     * positive within Kafka's int64 producer ids. 53 random bits are still far beyond guessing.
     */
    public static final long MAX_ID = (1L << 53) - 1;

    /** A random id from 1 to {@link #MAX_ID}: positive, as Kafka's producer ids (-1 means none). */
    private long nextId() {
        long id;
        do {
            id = randomLongs.getAsLong() & MAX_ID;
        } while (id == 0);
        return id;
    }

    /**
     * The producer's next epoch, when {@code principal} registered it and presents its current {@code epoch};
     * batches of the older epochs are refused from then on. Fails with {@code unknown_producer},
     * {@code forbidden} (another principal's producer), {@code producer_fenced} (a stale epoch) or
     * {@code invalid_producer} (epochs exhausted).
     */
    public Uni<Registration> bumpEpoch(long producerId, short epoch, String principal) {
        return bumpEpoch(producerId, epoch, principal, 0);
    }

    private Uni<Registration> bumpEpoch(long producerId, short epoch, String principal, int attempt) {
        return metadata.producer(producerId).flatMap(found -> {
            RegisteredProducer p = found.orElseThrow(() -> new EddyException(
                    ErrorCode.UNKNOWN_PRODUCER,
                    "producer " + producerId + " is not registered",
                    Map.of("producer_id", producerId)));
            // a producer registered before owners were recorded is the open server's anonymous caller's
            String owner = p.principal() != null ? p.principal() : Principal.OPEN.name();
            if (!owner.equals(principal)) {
                throw new EddyException(
                        ErrorCode.FORBIDDEN,
                        "producer " + producerId + " was registered by another principal; only it may bump its epoch",
                        Map.of("producer_id", producerId));
            }
            if (epoch != p.epoch()) {
                if (p.lastEpoch() >= 0 && epoch == p.lastEpoch()) {
                    return Uni.createFrom().item(new Registration(producerId, p.epoch())); // a retried bump
                }
                throw new EddyException(
                        ErrorCode.PRODUCER_FENCED,
                        "epoch " + epoch + " is not producer " + producerId
                                + "'s current epoch: a newer instance bumped it",
                        Map.of("producer_id", producerId, "epoch", epoch));
            }
            if (epoch == Short.MAX_VALUE) {
                throw new EddyException(
                        ErrorCode.INVALID_PRODUCER,
                        "producer " + producerId + "'s epochs are exhausted: register a new producer",
                        Map.of("producer_id", producerId));
            }
            return metadata.bumpProducerEpoch(producerId, epoch).flatMap(bumped -> {
                if (bumped) {
                    return Uni.createFrom().item(new Registration(producerId, (short) (epoch + 1)));
                }
                if (attempt + 1 >= BUMP_ATTEMPTS) {
                    return Uni.createFrom()
                            .failure(new EddyException(
                                    ErrorCode.METADATA_UNAVAILABLE,
                                    "producer " + producerId + " kept changing while its epoch was bumped; retry"));
                }
                return bumpEpoch(producerId, epoch, principal, attempt + 1); // another bump won: decide again
            });
        });
    }
}
