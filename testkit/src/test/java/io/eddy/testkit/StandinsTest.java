package io.eddy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The stand-ins do, over HTTP with the real SDK, what Eddy relies on. */
@ExtendWith(EddyStackExtension.class)
class StandinsTest {
    private final EddyStack stack;

    StandinsTest(EddyStack stack) {
        this.stack = stack;
    }

    @Test
    void eachClassGetsItsOwnValidNames() {
        assertThat(stack.table()).matches("eddy-standinstest-[0-9a-f]{8}");
        assertThat(stack.bucket()).isEqualTo(stack.table());
        assertThat(stack.newBucketName()).isNotEqualTo(stack.bucket()).matches("[a-z0-9-]{3,63}");
    }

    @Test
    void failedTransactionConditionIsReportedPerItem() {
        try (DynamoDbClient dynamo = stack.dynamo()) {
            createTable(dynamo, stack.table());
            Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("P#1"), "sk", AttributeValue.fromS("HEAD"));
            dynamo.putItem(b -> b.tableName(stack.table()).item(Map.of("pk", key.get("pk"), "sk", key.get("sk"),
                    "nxt", AttributeValue.fromN("5"))));
            assertThatThrownBy(() -> dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(stack.table()).key(key)
                            .updateExpression("SET nxt = :n").conditionExpression("nxt = :e")
                            .expressionAttributeValues(Map.of(":n", AttributeValue.fromN("9"), ":e", AttributeValue.fromN("4")))).build())))
                    .isInstanceOfSatisfying(TransactionCanceledException.class, e ->
                            assertThat(e.cancellationReasons().get(0).code()).isEqualTo("ConditionalCheckFailed"));
            var newest = dynamo.query(b -> b.tableName(stack.table()).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", key.get("pk"))).scanIndexForward(false).limit(1));
            assertThat(newest.items()).hasSize(1);
            assertThat(newest.items().get(0).get("nxt").n()).isEqualTo("5");
        }
    }

    @Test
    void objectsKeepTheirExactBytesWithChecksumsRangesAndConditions() {
        try (S3Client s3 = stack.s3()) {
            s3.createBucket(b -> b.bucket(stack.bucket()));
            byte[] bytes = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
            s3.putObject(b -> b.bucket(stack.bucket()).key("a/b.seg").checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
                    RequestBody.fromBytes(bytes));
            assertThat(s3.getObjectAsBytes(b -> b.bucket(stack.bucket()).key("a/b.seg")).asByteArray()).isEqualTo(bytes);
            assertThat(s3.getObjectAsBytes(b -> b.bucket(stack.bucket()).key("a/b.seg").range("bytes=4-7")).asUtf8String())
                    .isEqualTo("4567");
            s3.putObject(b -> b.bucket(stack.bucket()).key("once").ifNoneMatch("*"), RequestBody.fromString("1"));
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket(stack.bucket()).key("once").ifNoneMatch("*"),
                    RequestBody.fromString("2")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
        }
    }

    @Test
    void fileBackedDataSurvivesARestart(@TempDir Path dir) throws Exception {
        String name = EddyStack.uniqueName("restart");
        try (Standins first = Standins.start(dir)) {
            EddyStack s = new EddyStack(first.dynamoEndpoint(), first.s3Endpoint(), first.region(), first.accessKey(),
                    first.secretKey(), name, name);
            try (DynamoDbClient dynamo = s.dynamo(); S3Client s3 = s.s3()) {
                createTable(dynamo, name);
                dynamo.putItem(b -> b.tableName(name).item(Map.of("pk", AttributeValue.fromS("x"),
                        "sk", AttributeValue.fromS("y"), "v", AttributeValue.fromS("kept"))));
                s3.createBucket(b -> b.bucket(name));
                s3.putObject(b -> b.bucket(name).key("k"), RequestBody.fromString("kept too"));
            }
        }
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).contains("dynamodb", "s3");
        try (Standins second = Standins.start(dir)) {
            EddyStack s = new EddyStack(second.dynamoEndpoint(), second.s3Endpoint(), second.region(), second.accessKey(),
                    second.secretKey(), name, name);
            try (DynamoDbClient dynamo = s.dynamo(); S3Client s3 = s.s3()) {
                assertThat(dynamo.getItem(b -> b.tableName(name).key(Map.of("pk", AttributeValue.fromS("x"),
                        "sk", AttributeValue.fromS("y")))).item().get("v").s()).isEqualTo("kept");
                assertThat(s3.getObjectAsBytes(b -> b.bucket(name).key("k")).asUtf8String()).isEqualTo("kept too");
            }
        }
    }

    private static void createTable(DynamoDbClient dynamo, String table) {
        dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
    }
}
