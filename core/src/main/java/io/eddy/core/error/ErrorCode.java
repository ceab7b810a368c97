package io.eddy.core.error;

/**
 * Every failure Eddy reports, with its stable wire code, HTTP status and whether a client may retry.
 * The codes are part of the API: never rename one.
 */
public enum ErrorCode {
    INVALID_REQUEST("invalid_request", 400, false),
    MALFORMED_JSON("malformed_json", 400, false),
    INVALID_PARAMETER("invalid_parameter", 400, false),
    INVALID_TOPIC_NAME("invalid_topic_name", 400, false),
    INVALID_PARTITIONS("invalid_partitions", 400, false),
    INVALID_CONFIG("invalid_config", 400, false),
    NO_RECORDS("no_records", 400, false),
    INVALID_BASE64("invalid_base64", 400, false),
    TOO_MANY_PARTITIONS("too_many_partitions", 400, false),
    INVALID_PRODUCER("invalid_producer", 400, false),
    INVALID_GROUP_ID("invalid_group_id", 400, false),
    /** A binary produce body or one of its Kafka record batches is malformed; details name the frame and why. */
    CORRUPT_BATCH("corrupt_batch", 400, false),
    /**
     * A well-formed Kafka v2 record batch that uses what Eddy does not offer: transactions, control records,
     * log-append time, a delete horizon, or a compression codec this server cannot decode.
     */
    UNSUPPORTED_BATCH("unsupported_batch", 400, false),
    /** No credentials, or credentials that name no principal (an unknown token): nothing was done. */
    UNAUTHENTICATED("unauthenticated", 401, false),
    /** The caller is known but holds no grant for what the request needs: nothing was done. */
    FORBIDDEN("forbidden", 403, false),
    UNKNOWN_TOPIC("unknown_topic", 404, false),
    UNKNOWN_PARTITION("unknown_partition", 404, false),
    NOT_FOUND("not_found", 404, false),
    UNKNOWN_PRODUCER("unknown_producer", 404, false),
    UNKNOWN_GROUP("unknown_group", 404, false),
    /** The member is not in the group (it left, or its session expired and it was removed): join again. */
    UNKNOWN_MEMBER("unknown_member", 404, false),
    METHOD_NOT_ALLOWED("method_not_allowed", 405, false),
    NOT_ACCEPTABLE("not_acceptable", 406, false),
    /** A streaming read ({@code text/event-stream}) asked of a function: only the server streams. */
    STREAMING_UNAVAILABLE("streaming_unavailable", 406, false),
    TOPIC_ALREADY_EXISTS("topic_already_exists", 409, false),
    /** A newer epoch of the producer has been registered or has written: this instance is a zombie. */
    PRODUCER_FENCED("producer_fenced", 409, false),
    /** A sequence gap: a batch before this one was never written. */
    OUT_OF_ORDER_SEQUENCE("out_of_order_sequence", 409, false),
    /** The member's epoch is not the group's record of it: a zombie, or a client that must rejoin. */
    STALE_MEMBER_EPOCH("stale_member_epoch", 409, false),
    /** Another member took over this static member's instance id: this one is a zombie. */
    FENCED_INSTANCE_ID("fenced_instance_id", 409, false),
    /**
     * A join with a static member's instance id while another live member holds it (KIP-848's
     * UNRELEASED_INSTANCE_ID): retry once that member has left or its session has run out.
     */
    UNRELEASED_INSTANCE_ID("unreleased_instance_id", 409, true),
    /** An offset commit for a partition the member does not own. */
    PARTITION_NOT_ASSIGNED("partition_not_assigned", 409, false),
    /** The operation needs a group without live members (offset reset, delete). */
    GROUP_NOT_EMPTY("group_not_empty", 409, false),
    /** A member asked for an assignor other than the one the group uses. */
    INCONSISTENT_ASSIGNOR("inconsistent_assignor", 409, false),
    /** The first request with this Idempotency-Key is still being processed; retry later. */
    IDEMPOTENCY_KEY_IN_FLIGHT("idempotency_key_in_flight", 409, true),
    REQUEST_TOO_LARGE("request_too_large", 413, false),
    RECORD_TOO_LARGE("record_too_large", 413, false),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, false),
    OFFSET_OUT_OF_RANGE("offset_out_of_range", 416, false),
    /** The same Idempotency-Key came with a different request. */
    IDEMPOTENCY_KEY_REUSED("idempotency_key_reused", 422, false),
    /**
     * This instance holds as many produce bytes as it may (its group-commit queue is full, S3 or DynamoDB being
     * slow): nothing was taken; retry after {@code Retry-After}.
     */
    THROTTLED("throttled", 429, true),
    /** Another writer moved a partition head first; the commit is retried by the produce path. */
    OFFSET_CONFLICT("offset_conflict", 503, true),
    STORAGE_UNAVAILABLE("storage_unavailable", 503, true),
    /** acks=all and a replica bucket could not be written: nothing was committed. */
    NOT_ENOUGH_REPLICAS("not_enough_replicas", 503, true),
    /** This instance lost its lease on a partition while committing: nothing was written. */
    NOT_LEADER("not_leader", 503, true),
    METADATA_UNAVAILABLE("metadata_unavailable", 503, true),
    /** Too many concurrent changes to one group; retry. */
    GROUP_CONFLICT("group_conflict", 503, true),
    CORRUPT_SEGMENT("corrupt_segment", 500, false),
    INTERNAL_ERROR("internal_error", 500, false);

    private final String code;
    private final int status;
    private final boolean retryable;

    ErrorCode(String code, int status, boolean retryable) {
        this.code = code;
        this.status = status;
        this.retryable = retryable;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }
}
