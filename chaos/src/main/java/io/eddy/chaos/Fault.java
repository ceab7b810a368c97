package io.eddy.chaos;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What {@link FaultProxy} does with one request. The error answers are the shapes AWS sends, so the SDK's own
 * error parsing and retry classification run as they would against AWS:
 * <ul>
 *   <li>S3: an XML {@code <Error>} with {@code Code} {@code InternalError} (500) or {@code SlowDown} (503);</li>
 *   <li>DynamoDB (JSON 1.0): status 400 with {@code __type} {@code …#ProvisionedThroughputExceededException} or
 *       {@code com.amazon.coral.availability#ThrottlingException}; a {@code TransactWriteItems} refused with
 *       {@code TransactionCanceledException} whose {@code CancellationReasons} (one per item, in order) hold one
 *       {@code TransactionConflict}; a single-item write refused with {@code TransactionConflictException}.</li>
 * </ul>
 */
sealed interface Fault {
    /** Forward the request and relay the answer. */
    record Pass() implements Fault {}

    /** Answer without forwarding: the upstream never sees the request. */
    record Answer(String kind, int status, String contentType, byte[] body) implements Fault {}

    /**
     * Hold the request past the client's attempt timeout, then close the connection; with {@code forwardLate} the
     * request is forwarded after the wait (the upstream applies it after the client gave up on it) and the answer
     * dropped.
     */
    record Stall(long millis, boolean forwardLate) implements Fault {}

    /** Forward the request, let it succeed, then close the connection without answering. */
    record LoseResponse() implements Fault {}

    Pass PASS = new Pass();

    /** The kind counted in the proxy's statistics. */
    default String kind() {
        if (this instanceof Answer a) {
            return a.kind();
        }
        if (this instanceof Stall s) {
            return s.forwardLate() ? "stall_then_apply" : "stall";
        }
        return this instanceof LoseResponse ? "lost_response" : "pass";
    }

    static Answer s3Error(int status, String code, String message) {
        String id = requestId();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>" + id + "</RequestId><HostId>" + id + "</HostId></Error>";
        return new Answer("s3_" + status, status, "application/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    static Answer s3InternalError() {
        return s3Error(500, "InternalError", "We encountered an internal error. Please try again.");
    }

    static Answer s3SlowDown() {
        return s3Error(503, "SlowDown", "Please reduce your request rate.");
    }

    static Answer dynamoError(String kind, String type, String message) {
        String json = "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
        return new Answer(kind, 400, "application/x-amz-json-1.0", json.getBytes(StandardCharsets.UTF_8));
    }

    static Answer provisionedThroughputExceeded() {
        return dynamoError(
                "dynamo_throughput",
                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded. Consider increasing your"
                        + " provisioning level with the UpdateTable API.");
    }

    static Answer throttling() {
        return dynamoError(
                "dynamo_throttling",
                "com.amazon.coral.availability#ThrottlingException",
                "Rate of requests exceeds the allowed throughput.");
    }

    static Answer transactionConflict() {
        return dynamoError(
                "dynamo_conflict",
                "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
                "Transaction is ongoing for the item");
    }

    /** A transaction of {@code items} items cancelled by a conflict on item {@code conflicting}. */
    static Answer transactionCanceled(int items, int conflicting) {
        List<String> codes = new ArrayList<>();
        StringBuilder reasons = new StringBuilder();
        for (int i = 0; i < items; i++) {
            boolean conflict = i == conflicting;
            codes.add(conflict ? "TransactionConflict" : "None");
            reasons.append(i == 0 ? "" : ",")
                    .append(
                            conflict
                                    ? "{\"Code\":\"TransactionConflict\",\"Message\":\"Transaction is ongoing for the item\"}"
                                    : "{\"Code\":\"None\"}");
        }
        String json = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
                + "\"CancellationReasons\":[" + reasons + "],"
                + "\"Message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons "
                + codes + "\"}";
        return new Answer(
                "dynamo_tx_conflict", 400, "application/x-amz-json-1.0", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String requestId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(java.util.Locale.ROOT);
    }
}
