package io.eddy.core.storage.dynamo;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/** The one translation of DynamoDB SDK failures into Eddy's errors, for every adapter of this package. */
final class DynamoErrors {
    private DynamoErrors() {}

    /**
     * Throttling, 5xx, transaction conflicts and unreachable endpoints are retryable
     * {@code metadata_unavailable}; anything else is an internal error. EddyExceptions and conditional-check
     * failures (which callers decide on) pass through.
     */
    static Throwable translate(Throwable t) {
        if (t instanceof EddyException || t instanceof ConditionalCheckFailedException) {
            return t;
        }
        if (t instanceof TransactionCanceledException tce
                && tce.hasCancellationReasons()
                && tce.cancellationReasons().stream()
                        .anyMatch(r -> "TransactionConflict".equals(r.code()) || "ThrottlingError".equals(r.code()))) {
            return new EddyException(ErrorCode.METADATA_UNAVAILABLE, "DynamoDB transaction conflict", t);
        }
        if (t instanceof TransactionConflictException) {
            // a single-item write that met an item inside another transaction (400, but a race, not a mistake)
            return new EddyException(ErrorCode.METADATA_UNAVAILABLE, "DynamoDB transaction conflict", t);
        }
        if (t instanceof DynamoDbException e && (e.isThrottlingException() || e.statusCode() >= 500)) {
            return new EddyException(ErrorCode.METADATA_UNAVAILABLE, "DynamoDB is unavailable: " + e.getMessage(), t);
        }
        if (t instanceof SdkClientException) {
            return new EddyException(
                    ErrorCode.METADATA_UNAVAILABLE, "DynamoDB could not be reached: " + t.getMessage(), t);
        }
        return new EddyException(ErrorCode.INTERNAL_ERROR, "DynamoDB call failed: " + t.getMessage(), t);
    }

    static boolean anyConditionFailed(TransactionCanceledException tce) {
        return tce.hasCancellationReasons()
                && tce.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
    }
}
