package io.eddy.kafka.admin;

import io.eddy.kafka.KafkaErrors;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * The error one item of an admin response answers (a topic, a config resource): Kafka's error and its message.
 * Immutable.
 */
record ItemError(Errors error, String message) {
    private static final Logger LOG = Logger.getLogger(ItemError.class);

    /** The error of {@code failure}, through the one error table; an unexpected failure says no more than Kafka. */
    static ItemError of(Throwable failure, KafkaErrors errors) {
        Errors error = errors.of(failure);
        if (error == Errors.UNKNOWN_SERVER_ERROR) {
            LOG.warn("an admin request failed unexpectedly", failure);
        }
        String message = error == Errors.UNKNOWN_SERVER_ERROR || failure.getMessage() == null
                ? error.message()
                : failure.getMessage();
        return new ItemError(error, message);
    }

    short code() {
        return error.code();
    }
}
