package io.eddy.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Warms freshly started stand-ins up. DynamoDB Local is CPU-bound over HTTP until its JIT is warm (about
 * 120 conditional updates/s cold against 2,000/s warm with 8 threads), which would make the first test classes
 * slow and their timing-sensitive assertions flaky. The calls are the ones Eddy makes: conditional updates, some
 * of them failing, descending queries with a limit, transactions; then a few S3 puts and gets. Bounded by
 * {@link #BUDGET}. Not thread-safe: run once, before the stand-ins are handed out.
 */
final class WarmUp {
    static final Duration BUDGET = Duration.ofSeconds(8);
    private static final int THREADS = 8;
    private static final int ROUNDS_PER_THREAD = 60;

    private WarmUp() {}

    /** Runs the warm-up on a scratch table and bucket (the stack's names), deleted afterwards. */
    static void run(EddyStack stack) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        try (DynamoDbClient dynamo = stack.dynamo();
                S3Client s3 = stack.s3()) {
            warmDynamo(dynamo, stack.table(), deadline);
            warmS3(s3, stack.bucket());
        }
    }

    private static void warmDynamo(DynamoDbClient dynamo, String table, long deadline) {
        dynamo.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("pk"), attribute("sk"))
                .keySchema(
                        KeySchemaElement.builder()
                                .attributeName("pk")
                                .keyType(KeyType.HASH)
                                .build(),
                        KeySchemaElement.builder()
                                .attributeName("sk")
                                .keyType(KeyType.RANGE)
                                .build()));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "eddy-warm-up");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < THREADS; w++) {
                String pk = "w" + w;
                workers.add(pool.submit(() -> warmDynamoWorker(dynamo, table, pk, deadline)));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while warming DynamoDB Local up", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("warming DynamoDB Local up failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        dynamo.deleteTable(b -> b.tableName(table));
    }

    private static void warmDynamoWorker(DynamoDbClient dynamo, String table, String pk, long deadline) {
        for (int i = 1; i <= ROUNDS_PER_THREAD && System.nanoTime() < deadline; i++) {
            Map<String, AttributeValue> head = Map.of("pk", s(pk), "sk", s("head"));
            AttributeValue next = AttributeValue.fromN(Integer.toString(i));
            dynamo.updateItem(b -> b.tableName(table)
                    .key(head)
                    .updateExpression("SET nxt = :n")
                    .conditionExpression("attribute_not_exists(nxt) OR nxt < :n")
                    .expressionAttributeValues(Map.of(":n", next)));
            if (i % 4 == 0) {
                try {
                    dynamo.updateItem(b -> b.tableName(table)
                            .key(head)
                            .updateExpression("SET nxt = :n")
                            .conditionExpression("nxt < :n")
                            .expressionAttributeValues(Map.of(":n", next)));
                } catch (ConditionalCheckFailedException expected) {
                    // the losing side of a commit race: warmed up too
                }
                String sk = String.format("e%08d", i);
                dynamo.transactWriteItems(b -> b.transactItems(
                        TransactWriteItem.builder()
                                .put(p -> p.tableName(table)
                                        .item(Map.of("pk", s(pk), "sk", s(sk), "v", next))
                                        .conditionExpression("attribute_not_exists(pk)"))
                                .build(),
                        TransactWriteItem.builder()
                                .update(u -> u.tableName(table)
                                        .key(head)
                                        .updateExpression("SET tip = :sk")
                                        .expressionAttributeValues(Map.of(":sk", s(sk))))
                                .build()));
                dynamo.query(b -> b.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :e)")
                        .expressionAttributeValues(Map.of(":pk", s(pk), ":e", s("e")))
                        .scanIndexForward(false)
                        .limit(1));
            }
        }
    }

    private static void warmS3(S3Client s3, String bucket) {
        s3.createBucket(b -> b.bucket(bucket));
        byte[] bytes = new byte[64 * 1024];
        for (int i = 0; i < 20; i++) {
            String key = "warm-up/" + i;
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=0-1023"));
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        }
        s3.deleteBucket(b -> b.bucket(bucket));
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
