package io.eddy.core.storage.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

class DynamoErrorsTest {

    @Test
    void aSingleItemWriteMeetingAnotherTransactionIsRetryableNotAnInternalError() {
        // found by the chaos scenario dynamo-conflicts: a member's heartbeat answered 500 internal_error
        Throwable t = DynamoErrors.translate(TransactionConflictException.builder()
                .statusCode(400)
                .message("Transaction is ongoing for the item")
                .build());

        assertThat(t).isInstanceOfSatisfying(EddyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.METADATA_UNAVAILABLE);
            assertThat(e.code().retryable()).isTrue();
        });
    }

    @Test
    void aValidationErrorStaysAnInternalError() {
        Throwable t = DynamoErrors.translate(DynamoDbException.builder()
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ValidationException")
                        .build())
                .build());

        assertThat(t)
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
    }
}
