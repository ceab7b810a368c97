package io.eddy.kafka;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/**
 * The one table from Eddy's {@link ErrorCode} to Kafka's {@link Errors}, so the HTTP and Kafka faces of one
 * failure agree. Every code has a row (checked when built). Retryable failures map to errors Kafka's clients
 * retry, never to leadership errors that would make them refresh metadata for nothing. A handler may answer a
 * more precise error where its API has one (authorization, group generation). Immutable and thread-safe.
 */
public final class KafkaErrors {
    private final Map<ErrorCode, Errors> table = new EnumMap<>(ErrorCode.class);

    public KafkaErrors() {
        table.put(ErrorCode.INVALID_REQUEST, Errors.INVALID_REQUEST);
        table.put(ErrorCode.MALFORMED_JSON, Errors.INVALID_REQUEST);
        table.put(ErrorCode.INVALID_PARAMETER, Errors.INVALID_REQUEST);
        table.put(ErrorCode.INVALID_TOPIC_NAME, Errors.INVALID_TOPIC_EXCEPTION);
        table.put(ErrorCode.INVALID_PARTITIONS, Errors.INVALID_PARTITIONS);
        table.put(ErrorCode.INVALID_CONFIG, Errors.INVALID_CONFIG);
        table.put(ErrorCode.NO_RECORDS, Errors.INVALID_RECORD);
        table.put(ErrorCode.INVALID_BASE64, Errors.INVALID_REQUEST);
        table.put(ErrorCode.TOO_MANY_PARTITIONS, Errors.POLICY_VIOLATION);
        table.put(ErrorCode.INVALID_PRODUCER, Errors.INVALID_REQUEST);
        table.put(ErrorCode.INVALID_GROUP_ID, Errors.INVALID_GROUP_ID);
        table.put(ErrorCode.CORRUPT_BATCH, Errors.CORRUPT_MESSAGE);
        table.put(ErrorCode.UNSUPPORTED_BATCH, Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT);
        table.put(ErrorCode.UNAUTHENTICATED, Errors.SASL_AUTHENTICATION_FAILED);
        table.put(ErrorCode.FORBIDDEN, Errors.TOPIC_AUTHORIZATION_FAILED);
        table.put(ErrorCode.UNKNOWN_TOPIC, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        table.put(ErrorCode.UNKNOWN_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        table.put(ErrorCode.NOT_FOUND, Errors.RESOURCE_NOT_FOUND);
        table.put(ErrorCode.UNKNOWN_PRODUCER, Errors.UNKNOWN_PRODUCER_ID);
        table.put(ErrorCode.UNKNOWN_GROUP, Errors.GROUP_ID_NOT_FOUND);
        table.put(ErrorCode.UNKNOWN_MEMBER, Errors.UNKNOWN_MEMBER_ID);
        table.put(ErrorCode.METHOD_NOT_ALLOWED, Errors.INVALID_REQUEST);
        table.put(ErrorCode.NOT_ACCEPTABLE, Errors.INVALID_REQUEST);
        table.put(ErrorCode.STREAMING_UNAVAILABLE, Errors.INVALID_REQUEST);
        table.put(ErrorCode.TOPIC_ALREADY_EXISTS, Errors.TOPIC_ALREADY_EXISTS);
        // an idempotent (not transactional) producer whose epoch is old: Kafka answers INVALID_PRODUCER_EPOCH
        table.put(ErrorCode.PRODUCER_FENCED, Errors.INVALID_PRODUCER_EPOCH);
        table.put(ErrorCode.OUT_OF_ORDER_SEQUENCE, Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        table.put(ErrorCode.STALE_MEMBER_EPOCH, Errors.FENCED_MEMBER_EPOCH);
        table.put(ErrorCode.FENCED_INSTANCE_ID, Errors.FENCED_INSTANCE_ID);
        table.put(ErrorCode.UNRELEASED_INSTANCE_ID, Errors.UNRELEASED_INSTANCE_ID);
        table.put(ErrorCode.PARTITION_NOT_ASSIGNED, Errors.STALE_MEMBER_EPOCH);
        table.put(ErrorCode.GROUP_NOT_EMPTY, Errors.NON_EMPTY_GROUP);
        table.put(ErrorCode.INCONSISTENT_ASSIGNOR, Errors.INCONSISTENT_GROUP_PROTOCOL);
        table.put(ErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT, Errors.INVALID_REQUEST);
        table.put(ErrorCode.REQUEST_TOO_LARGE, Errors.RECORD_LIST_TOO_LARGE);
        table.put(ErrorCode.RECORD_TOO_LARGE, Errors.MESSAGE_TOO_LARGE);
        table.put(ErrorCode.UNSUPPORTED_MEDIA_TYPE, Errors.INVALID_REQUEST);
        table.put(ErrorCode.OFFSET_OUT_OF_RANGE, Errors.OFFSET_OUT_OF_RANGE);
        table.put(ErrorCode.IDEMPOTENCY_KEY_REUSED, Errors.INVALID_REQUEST);
        // retryable: errors Kafka's clients retry without a metadata refresh
        table.put(ErrorCode.THROTTLED, Errors.THROTTLING_QUOTA_EXCEEDED);
        table.put(ErrorCode.OFFSET_CONFLICT, Errors.REQUEST_TIMED_OUT);
        table.put(ErrorCode.STORAGE_UNAVAILABLE, Errors.KAFKA_STORAGE_ERROR);
        table.put(ErrorCode.NOT_ENOUGH_REPLICAS, Errors.NOT_ENOUGH_REPLICAS);
        table.put(ErrorCode.NOT_LEADER, Errors.REQUEST_TIMED_OUT);
        table.put(ErrorCode.METADATA_UNAVAILABLE, Errors.KAFKA_STORAGE_ERROR);
        table.put(ErrorCode.GROUP_CONFLICT, Errors.COORDINATOR_LOAD_IN_PROGRESS);
        table.put(ErrorCode.CORRUPT_SEGMENT, Errors.KAFKA_STORAGE_ERROR);
        table.put(ErrorCode.INTERNAL_ERROR, Errors.UNKNOWN_SERVER_ERROR);
        for (ErrorCode code : ErrorCode.values()) {
            if (!table.containsKey(code)) {
                throw new IllegalStateException("no Kafka error for " + code);
            }
        }
    }

    /** Kafka's error for {@code code}. */
    public Errors of(ErrorCode code) {
        return table.get(code);
    }

    /**
     * Kafka's error for {@code failure}: by its {@link ErrorCode} for an {@link EddyException}, as it is for one
     * of Kafka's own {@link ApiException}s, {@code UNKNOWN_SERVER_ERROR} for anything else.
     */
    public Errors of(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof EddyException eddy) {
            return of(eddy.code());
        }
        if (cause instanceof ApiException) {
            return Errors.forException(cause);
        }
        return Errors.UNKNOWN_SERVER_ERROR;
    }
}
