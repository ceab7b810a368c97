package io.eddy.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Meters an AWS client's calls, registered on its override configuration: {@code eddy_<service>_requests_total}
 * by operation and outcome ({@code success}, {@code throttled}, {@code refused}: a condition that did not hold,
 * {@code error}), each call once however often the
 * SDK retried it; {@code eddy_<service>_request_seconds} by operation (the call, retries included);
 * {@code eddy_<service>_attempts_total} (every HTTP attempt), {@code eddy_<service>_retries_total} (attempts after
 * a call's first) and {@code eddy_<service>_throttles_total} (attempts answered 429/503 or a throttling error code).
 * Thread-safe.
 */
public final class SdkCallMeters implements ExecutionInterceptor {
    /** Error codes that S3 and DynamoDB answer when they shed load. */
    static final Set<String> THROTTLING_CODES = Set.of(
            "SlowDown",
            "ThrottlingException",
            "ProvisionedThroughputExceededException",
            "RequestLimitExceeded",
            "TooManyRequestsException",
            "Throttling");

    private static final ExecutionAttribute<Long> STARTED = attribute("started");
    private static final ExecutionAttribute<Integer> ATTEMPTS = attribute("attempts");
    private static final ExecutionAttribute<Boolean> THROTTLED = attribute("throttled");

    private final MeterRegistry registry;
    private final String prefix;

    /**
     * The SDK refuses a second attribute of the same name in one JVM, and this class is loaded once per
     * application class loader (Quarkus restarts the application between test classes with other resources,
     * the SDK stays in the parent loader): the loader's identity keeps the names unique.
     */
    private static <T> ExecutionAttribute<T> attribute(String name) {
        return new ExecutionAttribute<>("eddy.metrics." + name + "@"
                + Integer.toHexString(System.identityHashCode(SdkCallMeters.class.getClassLoader())));
    }

    /** @param service the metric names' service part: {@code s3} or {@code dynamodb} */
    public SdkCallMeters(MeterRegistry registry, String service) {
        this.registry = registry;
        this.prefix = "eddy." + service;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
        attributes.putAttribute(ATTEMPTS, 0);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = operation(attributes);
        int attempt = Optional.ofNullable(attributes.getAttribute(ATTEMPTS)).orElse(0) + 1;
        attributes.putAttribute(ATTEMPTS, attempt);
        counter("attempts", operation).increment();
        if (attempt > 1) {
            counter("retries", operation).increment();
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        int status = context.httpResponse().statusCode();
        if (status == 429 || status == 503) {
            attributes.putAttribute(THROTTLED, true);
            counter("throttles", operation(attributes)).increment();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        finished(attributes, "success");
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        boolean throttled = Boolean.TRUE.equals(attributes.getAttribute(THROTTLED))
                || context.exception() instanceof AwsServiceException e
                        && (e.isThrottlingException()
                                || e.awsErrorDetails() != null
                                        && THROTTLING_CODES.contains(
                                                e.awsErrorDetails().errorCode()));
        finished(attributes, throttled ? "throttled" : refused(context.exception()) ? "refused" : "error");
    }

    /**
     * A write whose condition did not hold (DynamoDB's conditional check or a transaction cancelled by conditions
     * and conflicts only, S3's precondition): how Eddy's writers find out another writer went first, an expected
     * outcome rather than an error.
     */
    static boolean refused(Throwable t) {
        if (t instanceof TransactionCanceledException tce) {
            return tce.hasCancellationReasons()
                    && tce.cancellationReasons().stream()
                            .allMatch(r -> r.code() == null || REFUSALS.contains(r.code()));
        }
        return t instanceof ConditionalCheckFailedException
                || t instanceof AwsServiceException e
                        && e.awsErrorDetails() != null
                        && "PreconditionFailed".equals(e.awsErrorDetails().errorCode());
    }

    /** Cancellation reasons of a transaction that another writer, not a fault, cancelled. */
    private static final Set<String> REFUSALS = Set.of("None", "ConditionalCheckFailed", "TransactionConflict");

    private void finished(ExecutionAttributes attributes, String outcome) {
        String operation = operation(attributes);
        // present from an operation's first call, at 0 until it happens, so that rates and alerts have a series
        counter("throttles", operation);
        counter("retries", operation);
        Counter.builder(prefix + ".requests")
                .description("calls by operation and outcome, each once however often it was retried")
                .tag("operation", operation)
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        Long started = attributes.getAttribute(STARTED);
        if (started != null) {
            Timer.builder(prefix + ".request")
                    .description("time of a call, its retries included")
                    .tag("operation", operation)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private Counter counter(String what, String operation) {
        return Counter.builder(prefix + "." + what).tag("operation", operation).register(registry);
    }

    private static String operation(ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        return operation == null ? "unknown" : operation;
    }
}
