package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;

import io.eddy.core.storage.SdkCalls;
import io.eddy.core.support.RetryPolicy;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Paged Query, BatchGetItem (strongly consistent) and BatchWriteItem, each following its pages or retrying what
 * DynamoDB leaves unprocessed, shared by this package's adapters. Thread-safe.
 */
final class DynamoBatches {
    static final int BATCH_GET_LIMIT = 100;
    static final int BATCH_WRITE_LIMIT = 25;

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final RetryPolicy retry;

    DynamoBatches(DynamoDbAsyncClient dynamo, String table, RetryPolicy retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
    }

    /** Every item the query matches, following its pages. */
    Uni<List<Map<String, AttributeValue>>> queryAll(QueryRequest request) {
        return queryAll(request, new ArrayList<>());
    }

    private Uni<List<Map<String, AttributeValue>>> queryAll(
            QueryRequest request, List<Map<String, AttributeValue>> acc) {
        return retry.apply(SdkCalls.call(() -> dynamo.query(request), DynamoErrors::translate))
                .flatMap(r -> {
                    acc.addAll(r.items());
                    if (r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()) {
                        return queryAll(
                                request.toBuilder()
                                        .exclusiveStartKey(r.lastEvaluatedKey())
                                        .build(),
                                acc);
                    }
                    return Uni.createFrom().item(acc);
                });
    }

    /**
     * The items of at most {@link #BATCH_GET_LIMIT} keys that exist, by {@code pk + "|" + sk}, retrying what
     * DynamoDB leaves unprocessed.
     */
    Uni<Map<String, Map<String, AttributeValue>>> batchGet(List<Map<String, AttributeValue>> keys) {
        return batchGet(keys, new HashMap<>());
    }

    private Uni<Map<String, Map<String, AttributeValue>>> batchGet(
            List<Map<String, AttributeValue>> keys, Map<String, Map<String, AttributeValue>> acc) {
        BatchGetItemRequest request = BatchGetItemRequest.builder()
                .requestItems(Map.of(
                        table,
                        KeysAndAttributes.builder()
                                .keys(keys)
                                .consistentRead(true)
                                .build()))
                .build();
        return retry.apply(SdkCalls.call(() -> dynamo.batchGetItem(request), DynamoErrors::translate))
                .flatMap((BatchGetItemResponse r) -> {
                    for (Map<String, AttributeValue> item : r.responses().getOrDefault(table, List.of())) {
                        acc.put(item.get(PK).s() + "|" + item.get(SK).s(), item);
                    }
                    KeysAndAttributes unprocessed = r.unprocessedKeys().get(table);
                    if (unprocessed != null
                            && unprocessed.hasKeys()
                            && !unprocessed.keys().isEmpty()) {
                        return batchGet(unprocessed.keys(), acc);
                    }
                    return Uni.createFrom().item(acc);
                });
    }

    /** Puts and deletes, {@link #BATCH_WRITE_LIMIT} per call, one call after another. */
    Uni<Void> batchWrite(List<WriteRequest> writes) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < writes.size(); i += BATCH_WRITE_LIMIT) {
            List<WriteRequest> chunk = writes.subList(i, Math.min(writes.size(), i + BATCH_WRITE_LIMIT));
            chain = chain.flatMap(ignored -> batchWriteAll(chunk));
        }
        return chain;
    }

    private Uni<Void> batchWriteAll(List<WriteRequest> writes) {
        return retry.apply(SdkCalls.call(
                        () -> dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, writes))),
                        DynamoErrors::translate))
                .flatMap((BatchWriteItemResponse r) -> {
                    List<WriteRequest> left = r.unprocessedItems().getOrDefault(table, List.of());
                    return left.isEmpty() ? Uni.createFrom().voidItem() : batchWriteAll(left);
                });
    }
}
