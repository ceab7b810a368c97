package io.eddy.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import software.constructs.Node;

/**
 * What one Eddy deployment is made of, read from CDK context ({@code cdk deploy -c stage=prod -c
 * primaryBucket=…}, or the {@code context} block of {@code cdk.json}). Every name has a default derived from the
 * stage, so {@code cdk synth} works with no context at all.
 *
 * @param stage             deployment name, part of every resource name ({@code [a-z0-9-]{1,20}})
 * @param primaryBucket     segment bucket name; empty = CloudFormation generates one
 * @param replicaBucket     replica bucket name (topics list it in their {@code replicas}); empty = no replica bucket
 * @param table             DynamoDB table name
 * @param ingestAsset       path of the ingest function's {@code function.zip}
 * @param fetchAsset        path of the fetch function's {@code function.zip}
 * @param compactorAsset    path of the compactor function's zip; empty = no compactor in the stack
 *                          ({@code -c compactor=false})
 * @param compactorHandler  the compactor's handler
 * @param compactorSchedule EventBridge schedule expression the compactor runs on
 * @param compactorLease    the compactor's job lease ({@code eddy.compactor.lease-duration}, set on the function):
 *                          the function's timeout must leave a job its whole lease
 * @param ingest            the ingest function's size
 * @param fetch             the fetch function's size
 * @param compactor         the compactor function's size
 * @param alarmTopicArn     SNS topic the alarms notify; empty = alarms without actions
 * @param retainData        keep buckets and table when the stack is deleted (default) or delete them
 * @param serviceEndpoint   S3 and DynamoDB endpoint the functions use instead of AWS's (LocalStack only); empty on AWS
 */
public record EddySettings(
        String stage,
        Optional<String> primaryBucket,
        Optional<String> replicaBucket,
        String table,
        String ingestAsset,
        String fetchAsset,
        Optional<String> compactorAsset,
        String compactorHandler,
        String compactorSchedule,
        Duration compactorLease,
        Size ingest,
        Size fetch,
        Size compactor,
        Optional<String> alarmTopicArn,
        boolean retainData,
        Optional<String> serviceEndpoint) {

    /** Where {@code mvn install} leaves the compactor function's zip, relative to {@code infra/}. */
    public static final String COMPACTOR_ASSET = "../compactor/lambda/target/function.zip";
    /**
     * What the compactor's timeout must exceed its job lease by: a job stops before its next swap once its lease's
     * term has passed, and then releases the lease, commits nothing more and returns its report.
     */
    public static final Duration COMPACTOR_TIMEOUT_MARGIN = Duration.ofMinutes(1);

    /** The handler Quarkus' Lambda extensions generate. */
    public static final String QUARKUS_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";

    /** Memory and timeout of one function. */
    public record Size(int memoryMb, int timeoutSeconds) {
        public Size {
            if (memoryMb < 128 || memoryMb > 10240) {
                throw new IllegalArgumentException("memory must be 128 to 10240 MB, not " + memoryMb);
            }
            if (timeoutSeconds < 1 || timeoutSeconds > 900) {
                throw new IllegalArgumentException("timeout must be 1 to 900 s, not " + timeoutSeconds);
            }
        }
    }

    public EddySettings {
        if (!stage.matches("[a-z0-9-]{1,20}")) {
            throw new IllegalArgumentException("stage must match [a-z0-9-]{1,20}, not '" + stage + "'");
        }
        if (fetch.timeoutSeconds() <= 20) {
            throw new IllegalArgumentException("the fetch timeout must exceed the longest long-poll (wait_ms ≤ 20 s)");
        }
        if (compactorAsset.isPresent()
                && compactor.timeoutSeconds()
                        < compactorLease.plus(COMPACTOR_TIMEOUT_MARGIN).toSeconds()) {
            throw new IllegalArgumentException("the compactor timeout (" + compactor.timeoutSeconds()
                    + " s) must be at least its job lease (" + compactorLease.toSeconds() + " s) plus "
                    + COMPACTOR_TIMEOUT_MARGIN.toSeconds() + " s, so that a job can run its whole lease");
        }
    }

    /** Reads the settings from the construct tree's context. */
    public static EddySettings fromContext(Node node) {
        Context c = new Context(node);
        String stage = c.string("stage").orElse("dev");
        return new EddySettings(
                stage,
                c.string("primaryBucket"),
                c.string("replicaBucket"),
                c.string("table").orElse("eddy-" + stage),
                c.string("ingestAsset").orElse("../ingest-fn/lambda/target/function.zip"),
                c.string("fetchAsset").orElse("../fetch-fn/lambda/target/function.zip"),
                "false".equals(c.string("compactor").orElse("true"))
                        ? Optional.empty()
                        : Optional.of(c.string("compactorAsset").orElse(COMPACTOR_ASSET)),
                c.string("compactorHandler").orElse(QUARKUS_HANDLER),
                c.string("compactorSchedule").orElse("rate(5 minutes)"),
                Duration.ofSeconds(c.integer("compactorLeaseSeconds", 300)),
                new Size(c.integer("ingestMemoryMb", 1024), c.integer("ingestTimeoutSeconds", 30)),
                new Size(c.integer("fetchMemoryMb", 1024), c.integer("fetchTimeoutSeconds", 30)),
                new Size(c.integer("compactorMemoryMb", 2048), c.integer("compactorTimeoutSeconds", 900)),
                c.string("alarmTopicArn"),
                !"false".equals(c.string("retainData").orElse("true")),
                c.string("serviceEndpoint"));
    }

    /** Context values arrive as strings from {@code -c key=value} and as JSON values from {@code cdk.json}. */
    record Context(Node node) {
        private static final ObjectMapper JSON = new ObjectMapper();

        /** A JSON object given as such ({@code cdk.json}) or as its text ({@code -c key=…}); empty when absent. */
        Optional<JsonNode> jsonObject(String key, String shape) {
            Object value = node.tryGetContext(key);
            if (value == null || value.toString().isBlank()) {
                return Optional.empty();
            }
            JsonNode tree;
            try {
                tree = value instanceof String s ? JSON.readTree(s) : JSON.valueToTree(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("context '" + key + "' is not JSON: " + e.getOriginalMessage(), e);
            }
            if (!tree.isObject()) {
                throw new IllegalArgumentException("context '" + key + "' is an object of " + shape);
            }
            return Optional.of(tree);
        }

        Optional<String> string(String key) {
            Object v = node.tryGetContext(key);
            if (v == null || v.toString().isBlank()) {
                return Optional.empty();
            }
            return Optional.of(v.toString().trim());
        }

        int integer(String key, int fallback) {
            return string(key)
                    .map(s -> {
                        try {
                            return (int) Double.parseDouble(s);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(
                                    "context '" + key + "' must be a number, not '" + s + "'", e);
                        }
                    })
                    .orElse(fallback);
        }
    }
}
