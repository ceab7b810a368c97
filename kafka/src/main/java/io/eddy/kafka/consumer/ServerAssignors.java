package io.eddy.kafka.consumer;

import io.eddy.core.group.Assignors;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.UnsupportedAssignorException;

/**
 * The server-side assignors a KIP-848 consumer may ask for ({@code group.remote.assignor}), mapped onto Eddy's:
 * Kafka's {@code uniform} (balanced and sticky) is Eddy's {@code cooperative-sticky}, the default of every Eddy
 * group; Kafka's {@code range} is Eddy's {@code range}. Eddy's own names ({@code cooperative-sticky},
 * {@code roundrobin}) are accepted too, for groups the HTTP API also serves. Any other name is answered
 * {@code UNSUPPORTED_ASSIGNOR}, as a Kafka broker answers an assignor it is not configured with. Stateless.
 */
final class ServerAssignors {
    static final String UNIFORM = "uniform";
    static final String RANGE = "range";

    private static final Map<String, String> KAFKA_TO_EDDY = Map.of(
            UNIFORM,
            Assignors.COOPERATIVE_STICKY.name(),
            RANGE,
            Assignors.RANGE.name(),
            Assignors.COOPERATIVE_STICKY.name(),
            Assignors.COOPERATIVE_STICKY.name(),
            Assignors.ROUND_ROBIN.name(),
            Assignors.ROUND_ROBIN.name());

    private ServerAssignors() {}

    /**
     * Eddy's assignor for the one a consumer asked for; empty when it asked for none (the group's is kept).
     *
     * @throws UnsupportedAssignorException for a name Eddy has no assignor for
     */
    static Optional<String> toEddy(Optional<String> kafkaName) {
        return kafkaName.map(name -> {
            String eddy = KAFKA_TO_EDDY.get(name);
            if (eddy == null) {
                throw new UnsupportedAssignorException("ServerAssignor " + name
                        + " is not supported. Supported assignors: " + UNIFORM + ", " + RANGE + ", "
                        + Assignors.COOPERATIVE_STICKY.name() + ", " + Assignors.ROUND_ROBIN.name() + ".");
            }
            return eddy;
        });
    }

    /** The name Kafka's tools show for Eddy's assignor: Kafka's where it has one, else Eddy's. */
    static String toKafka(String eddyName) {
        if (eddyName.equals(Assignors.COOPERATIVE_STICKY.name())) {
            return UNIFORM;
        }
        return eddyName;
    }
}
