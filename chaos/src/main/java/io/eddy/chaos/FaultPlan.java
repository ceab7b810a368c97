package io.eddy.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.random.RandomGenerator;

/**
 * Per-request fault probabilities for the two services, and the decision for one request: a pure function of the
 * request and a random draw. Rates are per request and add up (the first band a draw falls in wins); a rate of 0
 * turns a fault off. Immutable.
 *
 * @param s3InternalError S3 answers 500 InternalError
 * @param s3SlowDown S3 answers 503 SlowDown
 * @param s3Stall an S3 request is held past the client's attempt timeout (half of them applied afterwards)
 * @param dynamoThrottling DynamoDB answers ProvisionedThroughputExceeded or ThrottlingException (half each)
 * @param dynamoConflict a DynamoDB write (TransactWriteItems, PutItem, UpdateItem, DeleteItem) is refused as
 *                       conflicting with another transaction
 * @param dynamoStall a DynamoDB request is held past the client's attempt timeout (half applied afterwards)
 * @param lostResponse any request (either service) is applied and its answer lost
 * @param stallMillis how long a stall holds a request
 */
public record FaultPlan(
        double s3InternalError,
        double s3SlowDown,
        double s3Stall,
        double dynamoThrottling,
        double dynamoConflict,
        double dynamoStall,
        double lostResponse,
        long stallMillis) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The two services behind the proxies. */
    public enum Service {
        S3,
        DYNAMODB
    }

    public FaultPlan {
        for (double rate : new double[] {
            s3InternalError, s3SlowDown, s3Stall, dynamoThrottling, dynamoConflict, dynamoStall, lostResponse
        }) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("fault rates are probabilities, not " + rate);
            }
        }
        if (stallMillis < 0) {
            throw new IllegalArgumentException("stallMillis must be ≥ 0, not " + stallMillis);
        }
    }

    public static FaultPlan none() {
        return new FaultPlan(0, 0, 0, 0, 0, 0, 0, 0);
    }

    public boolean injectsNothing() {
        return s3InternalError + s3SlowDown + s3Stall + dynamoThrottling + dynamoConflict + dynamoStall + lostResponse
                == 0;
    }

    /** What to do with {@code request} to {@code service}. */
    public Fault decide(Service service, HttpWire request, RandomGenerator random) {
        if (injectsNothing()) {
            return Fault.PASS;
        }
        double draw = random.nextDouble();
        if (service == Service.S3) {
            if ((draw -= s3InternalError) < 0) {
                return Fault.s3InternalError();
            }
            if ((draw -= s3SlowDown) < 0) {
                return Fault.s3SlowDown();
            }
            if ((draw -= s3Stall) < 0) {
                return new Fault.Stall(stallMillis, random.nextBoolean());
            }
        } else {
            String operation = request.header("x-amz-target")
                    .map(t -> t.substring(t.indexOf('.') + 1))
                    .orElse("");
            if ((draw -= dynamoThrottling) < 0) {
                return random.nextBoolean() ? Fault.provisionedThroughputExceeded() : Fault.throttling();
            }
            if ((draw -= dynamoConflict) < 0) {
                Fault conflict = conflict(operation, request, random);
                return conflict != null ? conflict : Fault.PASS; // a read cannot conflict: the draw stays in its band
            }
            if ((draw -= dynamoStall) < 0) {
                return new Fault.Stall(stallMillis, random.nextBoolean());
            }
        }
        if ((draw -= lostResponse) < 0) {
            return new Fault.LoseResponse();
        }
        return Fault.PASS;
    }

    private static Fault conflict(String operation, HttpWire request, RandomGenerator random) {
        switch (operation) {
            case "TransactWriteItems": {
                int items = transactItems(request.body());
                return items > 0 ? Fault.transactionCanceled(items, random.nextInt(items)) : null;
            }
            case "PutItem", "UpdateItem", "DeleteItem":
                return Fault.transactionConflict();
            default:
                return null;
        }
    }

    private static int transactItems(byte[] body) {
        try {
            JsonNode items = JSON.readTree(body).path("TransactItems");
            return items.isArray() ? items.size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
