package io.eddy.kafka.fetch;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.kafka.KafkaErrors;
import io.smallrye.mutiny.Uni;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * What the reading APIs (Fetch, ListOffsets, OffsetForLeaderEpoch) share in answering partition by partition:
 * the error of a partition whose read failed, and the joining of the answers. Immutable and thread-safe.
 */
final class PartitionAnswers {
    private final KafkaErrors errors;

    PartitionAnswers(KafkaErrors errors) {
        this.errors = errors;
    }

    /**
     * Kafka's error for a partition whose read failed with {@code failure}: by the error table, except that a topic
     * name Eddy could never have is simply unknown, as a Kafka broker answers a read of it.
     */
    Errors of(Throwable failure) {
        return failure instanceof EddyException e && e.code() == ErrorCode.INVALID_TOPIC_NAME
                ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                : errors.of(failure);
    }

    /** Kafka's error for a partition whose read failed with {@code code}. */
    Errors of(ErrorCode code) {
        return code == ErrorCode.INVALID_TOPIC_NAME ? Errors.UNKNOWN_TOPIC_OR_PARTITION : errors.of(code);
    }

    /** The answers in order, once all are there. */
    static <T> Uni<List<T>> all(List<Uni<T>> each) {
        return each.isEmpty()
                ? Uni.createFrom().item(List.of())
                : Uni.join().all(each).andFailFast();
    }
}
