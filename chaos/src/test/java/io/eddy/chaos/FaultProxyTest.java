package io.eddy.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.testkit.EddyStack;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The proxy's faults as the AWS SDK (Netty, as Eddy uses it) sees them: its error answers parse into the exceptions
 * and codes AWS's would, a pass-through keeps SigV4 valid, and a lost answer is a client failure for a request that
 * was applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultProxyTest {
    private EddyStack stack;
    private FaultProxy s3Proxy;
    private FaultProxy dynamoProxy;
    private S3AsyncClient s3;
    private DynamoDbAsyncClient dynamo;

    @BeforeAll
    void start() throws Exception {
        stack = EddyStack.create(EddyStack.uniqueName("proxy"), EddyStack.uniqueName("proxy"));
        s3Proxy = FaultProxy.start(FaultPlan.Service.S3, stack.s3Endpoint(), 1);
        dynamoProxy = FaultProxy.start(FaultPlan.Service.DYNAMODB, stack.dynamoEndpoint(), 2);
        s3 = S3AsyncClient.builder()
                .endpointOverride(s3Proxy.endpoint())
                .forcePathStyle(true)
                .region(Region.of(stack.region()))
                .credentialsProvider(stack.credentials())
                .httpClientBuilder(EddyStack.nettyHttpClient())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        dynamo = DynamoDbAsyncClient.builder()
                .endpointOverride(dynamoProxy.endpoint())
                .region(Region.of(stack.region()))
                .credentialsProvider(stack.credentials())
                .httpClientBuilder(EddyStack.nettyHttpClient())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        s3.createBucket(b -> b.bucket(stack.bucket())).join();
    }

    @AfterAll
    void stop() {
        s3.close();
        dynamo.close();
        s3Proxy.close();
        dynamoProxy.close();
    }

    private static FaultPlan s3Only(double internal, double slowDown, double lost) {
        return new FaultPlan(internal, slowDown, 0, 0, 0, 0, lost, 0);
    }

    @Test
    void aPassThroughKeepsTheSignatureValid() {
        s3Proxy.plan(FaultPlan.none(), 1);
        s3.putObject(b -> b.bucket(stack.bucket()).key("through"), AsyncRequestBody.fromString("hello"))
                .join();

        String read = s3.getObject(b -> b.bucket(stack.bucket()).key("through"), AsyncResponseTransformer.toBytes())
                .join()
                .asString(StandardCharsets.UTF_8);

        assertThat(read).isEqualTo("hello");
    }

    @Test
    void s3SlowDownAndInternalErrorParseAsS3Does() {
        s3Proxy.plan(s3Only(0, 1, 0), 1);
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket(stack.bucket())).join())
                .cause()
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(503));
        assertThatThrownBy(() -> s3.putObject(b -> b.bucket(stack.bucket()).key("k"), AsyncRequestBody.fromString("v"))
                        .join())
                .cause()
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
                });

        s3Proxy.plan(s3Only(1, 0, 0), 1);
        assertThatThrownBy(() -> s3.getObject(
                                b -> b.bucket(stack.bucket()).key("k"), AsyncResponseTransformer.toBytes())
                        .join())
                .cause()
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError");
                });
        s3Proxy.plan(FaultPlan.none(), 1);
    }

    @Test
    void aLostAnswerFailsTheClientButTheRequestWasApplied() {
        s3Proxy.plan(s3Only(0, 0, 1), 1);
        assertThatThrownBy(() -> s3.putObject(
                                b -> b.bucket(stack.bucket()).key("lost"), AsyncRequestBody.fromString("applied"))
                        .join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(SdkClientException.class);

        s3Proxy.plan(FaultPlan.none(), 1);
        String read = s3.getObject(b -> b.bucket(stack.bucket()).key("lost"), AsyncResponseTransformer.toBytes())
                .join()
                .asString(StandardCharsets.UTF_8);
        assertThat(read).isEqualTo("applied");
    }

    @Test
    void dynamoThrottlingParsesAsDynamoDbDoes() {
        dynamoProxy.plan(new FaultPlan(0, 0, 0, 1, 0, 0, 0, 0), 3);
        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(
                            () -> dynamo.describeTable(b -> b.tableName("any")).join())
                    .cause()
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e instanceof ProvisionedThroughputExceededException
                                        || e.awsErrorDetails().errorCode().equals("ThrottlingException"))
                                .isTrue();
                        assertThat(e.isThrottlingException()).isTrue();
                    });
        }
        dynamoProxy.plan(FaultPlan.none(), 3);
    }

    @Test
    void aConflictCancelsATransactionWithOneReasonPerItem() {
        dynamoProxy.plan(new FaultPlan(0, 0, 0, 0, 1, 0, 0, 0), 4);
        TransactWriteItem put = TransactWriteItem.builder()
                .put(p -> p.tableName("any")
                        .item(Map.of("pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromS("b"))))
                .build();

        assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(List.of(put, put, put)))
                        .join())
                .cause()
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                    assertThat(e.cancellationReasons()).hasSize(3);
                    assertThat(e.cancellationReasons())
                            .filteredOn(r -> "TransactionConflict".equals(r.code()))
                            .hasSize(1);
                    assertThat(e.cancellationReasons())
                            .filteredOn(r -> "None".equals(r.code()))
                            .hasSize(2);
                });
        dynamoProxy.plan(FaultPlan.none(), 4);
    }

    @Test
    void aReadInTheConflictBandPassesRatherThanFallingIntoTheNextFault() {
        FaultPlan conflictsOnly = new FaultPlan(0, 0, 0, 0, 1, 0, 0, 5_000);
        HttpWire query = new HttpWire(
                "POST / HTTP/1.1",
                "POST / HTTP/1.1\r\nX-Amz-Target: DynamoDB_20120810.Query\r\n\r\n",
                new byte[0],
                "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(conflictsOnly.decide(FaultPlan.Service.DYNAMODB, query, new SplittableRandom(1)))
                .isInstanceOf(Fault.Pass.class);
    }
}
