package io.eddy.server;

import io.eddy.runtime.EddyConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * {@code /q/health/ready}: up only when the metadata table and the primary bucket answer (a DescribeTable and a
 * HeadBucket, each within {@link #TIMEOUT}); down with the reason of the first that does not. The Kafka service's
 * load balancer health-checks it. Thread-safe.
 */
@Readiness
@ApplicationScoped
public class StorageReadiness implements AsyncHealthCheck {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final DynamoDbAsyncClient dynamo;
    private final S3AsyncClient s3;
    private final String table;
    private final String bucket;

    @Inject
    public StorageReadiness(DynamoDbAsyncClient dynamo, S3AsyncClient s3, EddyConfig config) {
        this(dynamo, s3, config.table(), config.bucket());
    }

    StorageReadiness(DynamoDbAsyncClient dynamo, S3AsyncClient s3, String table, String bucket) {
        this.dynamo = dynamo;
        this.s3 = s3;
        this.table = table;
        this.bucket = bucket;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Uni<String> tableProblem = probe(
                "table " + table,
                () -> dynamo.describeTable(b -> b.tableName(table)).thenApply(r -> r));
        Uni<String> bucketProblem = probe(
                "bucket " + bucket, () -> s3.headBucket(b -> b.bucket(bucket)).thenApply(r -> r));
        return Uni.combine().all().unis(tableProblem, bucketProblem).asTuple().map(problems -> {
            var response = HealthCheckResponse.named("eddy-storage")
                    .withData("table", table)
                    .withData("bucket", bucket);
            String reason = problems.getItem1().isEmpty() ? problems.getItem2() : problems.getItem1();
            return reason.isEmpty()
                    ? response.up().build()
                    : response.down().withData("reason", reason).build();
        });
    }

    /** Empty when {@code call} succeeds in time, else what failed and why. */
    private static Uni<String> probe(
            String what, java.util.function.Supplier<java.util.concurrent.CompletionStage<?>> call) {
        return Uni.createFrom()
                .completionStage(call)
                .replaceWith("")
                .ifNoItem()
                .after(TIMEOUT)
                .fail()
                .onFailure()
                .recoverWithItem(failure -> what + " does not answer: " + describe(failure));
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
