package io.eddy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** DynamoDB Local, through the SDK's async client over HTTP, does what Eddy's metadata store relies on. */
@ExtendWith(EddyStackExtension.class)
class DynamoStandinTest {
    private final EddyStack stack;

    DynamoStandinTest(EddyStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    static void createTable(EddyStack stack) {
        try (DynamoDbAsyncClient dynamo = stack.dynamoAsync()) {
            dynamo.createTable(b -> b.tableName(stack.table())
                            .billingMode(BillingMode.PAY_PER_REQUEST)
                            .attributeDefinitions(stringAttribute("pk"), stringAttribute("sk"))
                            .keySchema(
                                    KeySchemaElement.builder()
                                            .attributeName("pk")
                                            .keyType(KeyType.HASH)
                                            .build(),
                                    KeySchemaElement.builder()
                                            .attributeName("sk")
                                            .keyType(KeyType.RANGE)
                                            .build()))
                    .join();
        }
    }

    @Test
    void failedConditionInATransactionIsReportedPerItem() {
        try (DynamoDbAsyncClient dynamo = stack.dynamoAsync()) {
            // given
            Map<String, AttributeValue> head = Map.of("pk", s("t#0"), "sk", s("head"));
            dynamo.putItem(b -> b.tableName(stack.table()).item(Map.of("pk", s("t#0"), "sk", s("head"), "nxt", n(5))))
                    .join();

            // when: a commit that expects the head at 4, beside an unconditional put
            Throwable thrown = catchThrowable(() -> dynamo.transactWriteItems(b -> b.transactItems(
                            TransactWriteItem.builder()
                                    .put(p -> p.tableName(stack.table()).item(Map.of("pk", s("t#0"), "sk", s("seg#4"))))
                                    .build(),
                            TransactWriteItem.builder()
                                    .update(u -> u.tableName(stack.table())
                                            .key(head)
                                            .updateExpression("SET nxt = :n")
                                            .conditionExpression("nxt = :expected")
                                            .expressionAttributeValues(Map.of(":n", n(9), ":expected", n(4))))
                                    .build()))
                    .join());

            // then
            assertThat(thrown)
                    .isInstanceOf(CompletionException.class)
                    .cause()
                    .isInstanceOfSatisfying(
                            TransactionCanceledException.class,
                            e -> assertThat(e.cancellationReasons())
                                    .extracting(CancellationReason::code)
                                    .containsExactly("None", "ConditionalCheckFailed"));
            Map<String, AttributeValue> after = dynamo.getItem(
                            b -> b.tableName(stack.table()).key(head).consistentRead(true))
                    .join()
                    .item();
            assertThat(after.get("nxt").n()).isEqualTo("5");
            assertThat(dynamo.getItem(b -> b.tableName(stack.table()).key(Map.of("pk", s("t#0"), "sk", s("seg#4"))))
                            .join()
                            .hasItem())
                    .as("the other item of the cancelled transaction")
                    .isFalse();
        }
    }

    @Test
    void descendingQueryWithLimitOneReturnsTheLastSortKey() {
        try (DynamoDbAsyncClient dynamo = stack.dynamoAsync()) {
            // given
            for (String sk : List.of(
                    "seg#00000000000000000010", "seg#00000000000000000002", "seg#00000000000000000030", "zzz")) {
                dynamo.putItem(b -> b.tableName(stack.table()).item(Map.of("pk", s("t#1"), "sk", s(sk))))
                        .join();
            }

            // when
            var newest = dynamo.query(b -> b.tableName(stack.table())
                            .keyConditionExpression("pk = :pk AND begins_with(sk, :seg)")
                            .expressionAttributeValues(Map.of(":pk", s("t#1"), ":seg", s("seg#")))
                            .scanIndexForward(false)
                            .limit(1))
                    .join();

            // then
            assertThat(newest.items())
                    .extracting(item -> item.get("sk").s())
                    .containsExactly("seg#00000000000000000030");
            assertThat(newest.lastEvaluatedKey()).isNotEmpty();
        }
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
