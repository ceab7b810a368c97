package io.eddy.chaos;

import java.util.Arrays;
import java.util.Locale;

/**
 * A named fault class: what the proxies inject into the servers' S3 and DynamoDB calls, what happens to a server
 * process, and whether topics are churned. Every scenario runs the same {@link Workload}.
 */
public enum Scenario {
    /** No fault: the workload and the checker on a healthy stack. */
    BASELINE(FaultPlan.none(), ProcessFault.NONE),
    /** 15 % of S3 requests answered 500 InternalError, 15 % 503 SlowDown. */
    S3_ERRORS(new FaultPlan(0.15, 0.15, 0, 0, 0, 0, 0, 0), ProcessFault.NONE),
    /** 15 % of S3 requests held past the SDK's attempt timeout; half of them applied afterwards. */
    S3_TIMEOUTS(new FaultPlan(0, 0, 0.15, 0, 0, 0, 0, Scenario.STALL_MILLIS), ProcessFault.NONE),
    /** 15 % of DynamoDB requests throttled (ProvisionedThroughputExceeded or ThrottlingException). */
    DYNAMO_THROTTLING(new FaultPlan(0, 0, 0, 0.15, 0, 0, 0, 0), ProcessFault.NONE),
    /** 15 % of DynamoDB writes refused as conflicting with another transaction (TransactionConflict). */
    DYNAMO_CONFLICTS(new FaultPlan(0, 0, 0, 0, 0.15, 0, 0, 0), ProcessFault.NONE),
    /** 3 % of DynamoDB requests held past the attempt timeout; half of them applied afterwards. */
    DYNAMO_TIMEOUTS(new FaultPlan(0, 0, 0, 0, 0, 0.03, 0, Scenario.STALL_MILLIS), ProcessFault.NONE),
    /** 5 % of all S3 and DynamoDB requests applied, their answers lost (the connection closes). */
    LOST_RESPONSES(new FaultPlan(0, 0, 0, 0, 0, 0, 0.05, 0), ProcessFault.NONE),
    /** A server SIGKILLed a third into the load and started again. */
    SERVER_SIGKILL(FaultPlan.none(), ProcessFault.SIGKILL),
    /** One of two servers stopped (SIGSTOP) long enough for its leases and its members' sessions to expire. */
    SERVER_PAUSE(FaultPlan.none(), ProcessFault.PAUSE),
    /**
     * Topics created, written to, deleted and created again ({@link TopicChurn}) while whole-table compaction passes
     * with garbage collection run back to back.
     */
    TOPIC_CHURN(FaultPlan.none(), ProcessFault.NONE, true);

    /** The servers' SDK attempt timeout, and how long a stall holds a request (past it). */
    static final long ATTEMPT_TIMEOUT_MILLIS = 2_000;

    static final long STALL_MILLIS = ATTEMPT_TIMEOUT_MILLIS + 1_000;

    /** What happens to a server process during the load. */
    public enum ProcessFault {
        NONE,
        SIGKILL,
        PAUSE
    }

    private final FaultPlan plan;
    private final ProcessFault process;
    private final boolean topicChurn;

    Scenario(FaultPlan plan, ProcessFault process) {
        this(plan, process, false);
    }

    Scenario(FaultPlan plan, ProcessFault process, boolean topicChurn) {
        this.plan = plan;
        this.process = process;
        this.topicChurn = topicChurn;
    }

    /** Whether the workload also churns topics and runs whole-table passes with garbage collection. */
    public boolean topicChurn() {
        return topicChurn;
    }

    public FaultPlan plan() {
        return plan;
    }

    public ProcessFault process() {
        return process;
    }

    /** {@code s3-errors} for {@code S3_ERRORS}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Scenario byLabel(String label) {
        return Arrays.stream(values())
                .filter(s -> s.label().equals(label.trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario '" + label + "'; there are: "
                        + Arrays.stream(values()).map(Scenario::label).toList()));
    }
}
