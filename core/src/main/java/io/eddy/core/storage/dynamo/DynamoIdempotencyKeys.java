package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.idempotency.IdempotencyKeys;
import io.eddy.core.storage.SdkCalls;
import io.eddy.core.support.Retry;
import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * {@link IdempotencyKeys} as items {@code I#<key>} / {@code REQUEST} of the Eddy table: a fingerprint, a state
 * ({@code in_flight} or {@code done}), the stored response, and {@code expiresAt} (epoch seconds, usable as the
 * table's TTL attribute; expiry is also checked on read). Thread-safe.
 */
public final class DynamoIdempotencyKeys implements IdempotencyKeys {
    private static final String FINGERPRINT = "fingerprint";
    private static final String STATE = "state";
    private static final String IN_FLIGHT_UNTIL = "inFlightUntil";
    private static final String EXPIRES_AT = "expiresAt";
    private static final String STATUS = "status";
    private static final String CONTENT_TYPE = "contentType";
    private static final String BODY = "body";
    private static final String IN_FLIGHT = "in_flight";
    private static final String DONE = "done";

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Retry retry;

    public DynamoIdempotencyKeys(DynamoDbAsyncClient dynamo, String table, Retry retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
    }

    private static Map<String, AttributeValue> key(String key) {
        return Map.of(PK, AttributeValue.fromS(DynamoKeys.idempotencyKey(key)), SK, AttributeValue.fromS(DynamoKeys.REQUEST));
    }

    @Override
    public Uni<Claim> claim(String key, String fingerprint, long nowMs, long inFlightUntilMs, long expiresAtMs) {
        Map<String, AttributeValue> item = new HashMap<>(key(key));
        item.put(FINGERPRINT, AttributeValue.fromS(fingerprint));
        item.put(STATE, AttributeValue.fromS(IN_FLIGHT));
        item.put(IN_FLIGHT_UNTIL, AttributeValue.fromN(Long.toString(inFlightUntilMs)));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAtMs / 1000)));
        Uni<Claim> put = call(() -> dynamo.putItem(b -> b.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk) OR expiresAt < :nowS OR (#s = :inFlight AND "
                        + "inFlightUntil < :now AND fingerprint = :fp)")
                .expressionAttributeNames(Map.of("#s", STATE))
                .expressionAttributeValues(Map.of(":nowS", AttributeValue.fromN(Long.toString(nowMs / 1000)),
                        ":now", AttributeValue.fromN(Long.toString(nowMs)), ":inFlight", AttributeValue.fromS(IN_FLIGHT),
                        ":fp", AttributeValue.fromS(fingerprint)))))
                .replaceWith((Claim) new Claimed());
        return put.onFailure(ConditionalCheckFailedException.class).recoverWithUni(taken -> call(() -> dynamo.getItem(b -> b
                .tableName(table).consistentRead(true).key(key(key)))).map(r -> {
                    Map<String, AttributeValue> found = r.item();
                    if (found == null || found.isEmpty()) {
                        return new InFlight();   // released between the two calls: the client retries
                    }
                    if (!fingerprint.equals(found.get(FINGERPRINT).s())) {
                        return new Reused();
                    }
                    if (DONE.equals(found.get(STATE).s())) {
                        return new Replay(new StoredResponse(Integer.parseInt(found.get(STATUS).n()),
                                found.get(CONTENT_TYPE).s(), found.get(BODY).b().asByteArray()));
                    }
                    return new InFlight();
                }));
    }

    @Override
    public Uni<Void> complete(String key, String fingerprint, StoredResponse response) {
        return call(() -> dynamo.updateItem(b -> b.tableName(table).key(key(key))
                .updateExpression("SET #s = :done, #st = :status, contentType = :ct, body = :body")
                .conditionExpression("fingerprint = :fp")
                .expressionAttributeNames(Map.of("#s", STATE, "#st", STATUS))
                .expressionAttributeValues(Map.of(":done", AttributeValue.fromS(DONE),
                        ":status", AttributeValue.fromN(Integer.toString(response.status())),
                        ":ct", AttributeValue.fromS(response.contentType()),
                        ":body", AttributeValue.fromB(SdkBytes.fromByteArray(response.body())),
                        ":fp", AttributeValue.fromS(fingerprint))))).replaceWithVoid();
    }

    @Override
    public Uni<Void> release(String key, String fingerprint) {
        return call(() -> dynamo.deleteItem(b -> b.tableName(table).key(key(key))
                .conditionExpression("fingerprint = :fp AND #s = :inFlight")
                .expressionAttributeNames(Map.of("#s", STATE))
                .expressionAttributeValues(Map.of(":fp", AttributeValue.fromS(fingerprint),
                        ":inFlight", AttributeValue.fromS(IN_FLIGHT)))))
                .onFailure(ConditionalCheckFailedException.class).recoverWithNull()
                .replaceWithVoid();
    }

    private <T> Uni<T> call(java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> call) {
        return retry.apply(SdkCalls.call(call, DynamoIdempotencyKeys::translate));
    }

    private static Throwable translate(Throwable t) {
        if (t instanceof ConditionalCheckFailedException || t instanceof EddyException) {
            return t;
        }
        if (t instanceof DynamoDbException e && (e.isThrottlingException() || e.statusCode() >= 500)
                || t instanceof SdkClientException) {
            return new EddyException(ErrorCode.METADATA_UNAVAILABLE, "DynamoDB is unavailable: " + t.getMessage(), t);
        }
        return new EddyException(ErrorCode.INTERNAL_ERROR, "DynamoDB call failed: " + t.getMessage(), t);
    }
}
