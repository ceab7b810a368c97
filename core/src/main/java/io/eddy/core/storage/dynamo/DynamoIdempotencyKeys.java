package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.idempotency.IdempotencyKeys;
import io.eddy.core.storage.SdkCalls;
import io.eddy.core.support.RetryPolicy;
import io.smallrye.mutiny.Uni;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link IdempotencyKeys} as items {@code I#<principal>#<key>} / {@code REQUEST} of the Eddy table (the principal
 * length-prefixed, see {@link DynamoKeys}): a fingerprint, a state
 * ({@code in_flight} or {@code done}), the stored response, and {@code expiresAt} (epoch seconds, usable as the
 * table's TTL attribute; expiry is also checked on read). The response body is stored gzipped; one that is
 * still too large for an item (DynamoDB's limit is 400 KB; a produce of many records answers with megabytes of
 * offsets) goes into items {@code PART#0000…} beside it, written before the request item says {@code done} and
 * how many parts there are, so a replay never sees half a response. Thread-safe.
 */
public final class DynamoIdempotencyKeys implements IdempotencyKeys {
    private static final String FINGERPRINT = "fingerprint";
    private static final String STATE = "state";
    private static final String IN_FLIGHT_UNTIL = "inFlightUntil";
    private static final String EXPIRES_AT = "expiresAt";
    private static final String STATUS = "status";
    private static final String CONTENT_TYPE = "contentType";
    private static final String BODY = "body";
    private static final String PARTS = "parts";
    /** Bytes of gzipped body kept in one item, well under DynamoDB's 400 KB item limit. */
    static final int PART_BYTES = 350 * 1024;

    private static final String IN_FLIGHT = "in_flight";
    private static final String DONE = "done";

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final RetryPolicy retry;

    public DynamoIdempotencyKeys(DynamoDbAsyncClient dynamo, String table, RetryPolicy retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
    }

    private static Map<String, AttributeValue> key(String principal, String key) {
        return Map.of(
                PK,
                AttributeValue.fromS(DynamoKeys.idempotencyKey(principal, key)),
                SK,
                AttributeValue.fromS(DynamoKeys.REQUEST));
    }

    @Override
    public Uni<Claim> claim(
            String principal, String key, String fingerprint, long nowMs, long inFlightUntilMs, long expiresAtMs) {
        Map<String, AttributeValue> item = new HashMap<>(key(principal, key));
        item.put(FINGERPRINT, AttributeValue.fromS(fingerprint));
        item.put(STATE, AttributeValue.fromS(IN_FLIGHT));
        item.put(IN_FLIGHT_UNTIL, AttributeValue.fromN(Long.toString(inFlightUntilMs)));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAtMs / 1000)));
        Uni<Claim> put = call(() -> dynamo.putItem(b -> b.tableName(table)
                        .item(item)
                        .conditionExpression("attribute_not_exists(pk) OR expiresAt < :nowS OR (#s = :inFlight AND "
                                + "inFlightUntil < :now AND fingerprint = :fp)")
                        .expressionAttributeNames(Map.of("#s", STATE))
                        .expressionAttributeValues(Map.of(
                                ":nowS",
                                AttributeValue.fromN(Long.toString(nowMs / 1000)),
                                ":now",
                                AttributeValue.fromN(Long.toString(nowMs)),
                                ":inFlight",
                                AttributeValue.fromS(IN_FLIGHT),
                                ":fp",
                                AttributeValue.fromS(fingerprint)))))
                .replaceWith((Claim) new Claimed());
        return put.onFailure(ConditionalCheckFailedException.class)
                .recoverWithUni(taken -> call(() -> dynamo.getItem(
                                b -> b.tableName(table).consistentRead(true).key(key(principal, key))))
                        .flatMap(r -> taken(principal, key, fingerprint, r.item())));
    }

    /** What a key that could not be claimed holds. */
    private Uni<Claim> taken(String principal, String key, String fingerprint, Map<String, AttributeValue> found) {
        if (found == null || found.isEmpty()) {
            return Uni.createFrom().item(new InFlight()); // released between the two calls: the client retries
        }
        if (!fingerprint.equals(found.get(FINGERPRINT).s())) {
            return Uni.createFrom().item(new Reused());
        }
        if (!DONE.equals(found.get(STATE).s())) {
            return Uni.createFrom().item(new InFlight());
        }
        return body(principal, key, found)
                .map(body -> new Replay(new StoredResponse(
                        Integer.parseInt(found.get(STATUS).n()),
                        found.get(CONTENT_TYPE).s(),
                        body)));
    }

    /** A done item's response body: inline, or reassembled from its parts; gunzipped. */
    private Uni<byte[]> body(String principal, String key, Map<String, AttributeValue> done) {
        int parts = done.containsKey(PARTS) ? Integer.parseInt(done.get(PARTS).n()) : 0;
        if (parts == 0) {
            return Uni.createFrom()
                    .item(() -> Gzip.decompress(done.get(BODY).b().asByteArray()));
        }
        List<Uni<byte[]>> reads = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            Map<String, AttributeValue> partKey = partKey(principal, key, i);
            reads.add(call(() -> dynamo.getItem(
                            b -> b.tableName(table).consistentRead(true).key(partKey)))
                    .map(r -> {
                        if (r.item() == null || !r.item().containsKey(BODY)) {
                            throw new EddyException(
                                    ErrorCode.INTERNAL_ERROR,
                                    "a part of the stored response of " + "Idempotency-Key '" + key + "' is missing");
                        }
                        return r.item().get(BODY).b().asByteArray();
                    }));
        }
        return Uni.join().all(reads).andFailFast().map(chunks -> {
            ByteArrayOutputStream whole = new ByteArrayOutputStream(chunks.size() * PART_BYTES);
            chunks.forEach(whole::writeBytes);
            return Gzip.decompress(whole.toByteArray());
        });
    }

    private static Map<String, AttributeValue> partKey(String principal, String key, int part) {
        return Map.of(
                PK,
                AttributeValue.fromS(DynamoKeys.idempotencyKey(principal, key)),
                SK,
                AttributeValue.fromS(DynamoKeys.responsePart(part)));
    }

    @Override
    public Uni<Void> complete(
            String principal, String key, String fingerprint, StoredResponse response, long expiresAtMs) {
        byte[] zipped = Gzip.compress(response.body());
        int parts = zipped.length <= PART_BYTES ? 0 : (zipped.length + PART_BYTES - 1) / PART_BYTES;
        AttributeValue expiresAt = AttributeValue.fromN(Long.toString(expiresAtMs / 1000));
        List<Uni<Void>> writes = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            Map<String, AttributeValue> item = new HashMap<>(partKey(principal, key, i));
            int from = i * PART_BYTES;
            item.put(
                    BODY,
                    AttributeValue.fromB(SdkBytes.fromByteArray(
                            Arrays.copyOfRange(zipped, from, Math.min(zipped.length, from + PART_BYTES)))));
            item.put(EXPIRES_AT, expiresAt);
            writes.add(call(() -> dynamo.putItem(b -> b.tableName(table).item(item)))
                    .replaceWithVoid());
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":done",
                AttributeValue.fromS(DONE),
                ":status",
                AttributeValue.fromN(Integer.toString(response.status())),
                ":ct",
                AttributeValue.fromS(response.contentType()),
                ":parts",
                AttributeValue.fromN(Integer.toString(parts)),
                ":exp",
                expiresAt,
                ":fp",
                AttributeValue.fromS(fingerprint)));
        String update = "SET #s = :done, #st = :status, contentType = :ct, parts = :parts, expiresAt = :exp";
        if (parts == 0) {
            values.put(":body", AttributeValue.fromB(SdkBytes.fromByteArray(zipped)));
            update += ", body = :body";
        }
        String expression = update;
        Uni<Void> partsWritten = writes.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(writes).andFailFast().replaceWithVoid();
        return partsWritten
                .flatMap(ignored -> call(() -> dynamo.updateItem(b -> b.tableName(table)
                        .key(key(principal, key))
                        .updateExpression(expression)
                        .conditionExpression("fingerprint = :fp")
                        .expressionAttributeNames(Map.of("#s", STATE, "#st", STATUS))
                        .expressionAttributeValues(values))))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> release(String principal, String key, String fingerprint) {
        return call(() -> dynamo.deleteItem(b -> b.tableName(table)
                        .key(key(principal, key))
                        .conditionExpression("fingerprint = :fp AND #s = :inFlight")
                        .expressionAttributeNames(Map.of("#s", STATE))
                        .expressionAttributeValues(Map.of(
                                ":fp",
                                AttributeValue.fromS(fingerprint),
                                ":inFlight",
                                AttributeValue.fromS(IN_FLIGHT)))))
                .onFailure(ConditionalCheckFailedException.class)
                .recoverWithNull()
                .replaceWithVoid();
    }

    private <T> Uni<T> call(java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> call) {
        return retry.apply(SdkCalls.call(call, DynamoErrors::translate));
    }
}
