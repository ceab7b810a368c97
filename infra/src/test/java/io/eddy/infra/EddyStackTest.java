package io.eddy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;

/**
 * The whole stack as a production deployment configures it (replica bucket, compactor), checked resource by
 * resource, and each function's role checked for least privilege. One synthesis for the class: the first one
 * starts the jsii runtime (Node.js), which takes seconds.
 */
class EddyStackTest {
    private static final List<String> DYNAMO_WRITES = List.of(
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem");

    @TempDir
    static Path dir;

    static Synth synth;

    @BeforeAll
    static void synthesise() {
        synth = Synth.of(
                dir,
                Map.of(
                        "stage", "prod",
                        "primaryBucket", "acme-eddy-prod",
                        "replicaBucket", "acme-eddy-prod-replica",
                        "table", "acme-eddy",
                        "ingestMemoryMb", "1536",
                        "fetchTimeoutSeconds", "45",
                        "compactorSchedule", "rate(10 minutes)",
                        "principals",
                                "{\"writers\": {\"iamArn\": \"arn:aws:sts::123456789012:assumed-role/orders-writer/*\","
                                        + " \"grants\": [\"produce:topic:orders-*\", \"consume:topic:orders-*\"]},"
                                        + " \"ops\": {\"iamArn\": \"arn:aws:iam::123456789012:role/eddy-ops\","
                                        + " \"grants\": [\"admin:cluster:*\", \"admin:topic:*\"]}}"),
                "ingest",
                "fetch",
                "compactor");
    }

    @Test
    void bothBucketsAreEncryptedPrivateTlsOnlyAndAbortIncompleteUploads() {
        for (String name : List.of("acme-eddy-prod", "acme-eddy-prod-replica")) {
            synth.template.hasResourceProperties(
                    "AWS::S3::Bucket",
                    Map.of(
                            "BucketName", name,
                            "BucketEncryption",
                                    Map.of(
                                            "ServerSideEncryptionConfiguration",
                                            List.of(Map.of(
                                                    "ServerSideEncryptionByDefault",
                                                    Map.of("SSEAlgorithm", "AES256")))),
                            "PublicAccessBlockConfiguration",
                                    Map.of(
                                            "BlockPublicAcls",
                                            true,
                                            "BlockPublicPolicy",
                                            true,
                                            "IgnorePublicAcls",
                                            true,
                                            "RestrictPublicBuckets",
                                            true),
                            "LifecycleConfiguration",
                                    Map.of(
                                            "Rules",
                                            Match.arrayWith(List.of(Match.objectLike(Map.of(
                                                    "AbortIncompleteMultipartUpload",
                                                    Map.of("DaysAfterInitiation", 1),
                                                    "Status",
                                                    "Enabled")))))));
        }
        synth.template.resourceCountIs("AWS::S3::Bucket", 2);
        // enforceSsl: a bucket policy denying aws:SecureTransport=false on each bucket
        synth.template.resourceCountIs("AWS::S3::BucketPolicy", 2);
        synth.template.hasResourceProperties(
                "AWS::S3::BucketPolicy",
                Match.objectLike(Map.of(
                        "PolicyDocument",
                        Map.of(
                                "Statement",
                                Match.arrayWith(List.of(Match.objectLike(Map.of(
                                        "Effect",
                                        "Deny",
                                        "Condition",
                                        Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
    }

    @Test
    void theTableIsOnDemandWithPointInTimeRecoveryAndTtl() {
        synth.template.resourceCountIs("AWS::DynamoDB::Table", 1);
        synth.template.hasResourceProperties(
                "AWS::DynamoDB::Table",
                Map.of(
                        "TableName", "acme-eddy",
                        "BillingMode", "PAY_PER_REQUEST",
                        "KeySchema",
                                List.of(
                                        Map.of("AttributeName", "pk", "KeyType", "HASH"),
                                        Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true)));
        synth.template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain"));
    }

    @Test
    void threeJava21Arm64FunctionsWithSnapStartAndTheirConfiguration() {
        synth.template.resourceCountIs("AWS::Lambda::Function", 3);
        for (String fn : List.of("ingest", "fetch", "compactor")) {
            synth.template.hasResourceProperties(
                    "AWS::Lambda::Function",
                    Match.objectLike(Map.of(
                            "FunctionName", "eddy-prod-" + fn,
                            "Runtime", "java21",
                            "Architectures", List.of("arm64"),
                            "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                            "Environment",
                                    Map.of(
                                            "Variables",
                                            Match.objectLike(Map.of(
                                                    "EDDY_TABLE",
                                                    Match.anyValue(),
                                                    "EDDY_BUCKET",
                                                    Match.anyValue(),
                                                    "EDDY_AWS_REGION",
                                                    Match.anyValue()))))));
        }
        synth.template.hasResourceProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of(
                        "FunctionName",
                        "eddy-prod-ingest",
                        "MemorySize",
                        1536,
                        "Timeout",
                        30,
                        "Handler",
                        EddySettings.QUARKUS_HANDLER)));
        synth.template.hasResourceProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of("FunctionName", "eddy-prod-fetch", "MemorySize", 1024, "Timeout", 45)));
        synth.template.hasResourceProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of("FunctionName", "eddy-prod-compactor", "MemorySize", 2048, "Timeout", 900)));
        // each function: a published version and the alias callers invoke (SnapStart applies to versions only)
        synth.template.resourceCountIs("AWS::Lambda::Version", 3);
        synth.template.resourceCountIs("AWS::Lambda::Alias", 3);
        synth.template.allResourcesProperties("AWS::Lambda::Alias", Match.objectLike(Map.of("Name", "live")));
        // the table and bucket the functions are configured with are the stack's own
        JsonNode ingest = function("eddy-prod-ingest");
        JsonNode vars = ingest.path("Properties").path("Environment").path("Variables");
        assertThat(vars.path("EDDY_TABLE").path("Ref").asText())
                .isEqualTo(synth.stack.getLogicalId((software.amazon.awscdk.CfnElement)
                        synth.stack.table().getNode().getDefaultChild()));
        assertThat(vars.path("EDDY_BUCKET").has("Ref")).isTrue();
    }

    @Test
    void everyFunctionMayUseExactlyTheBucketsTheStackCreates() {
        String primary = synth.stack.getLogicalId((software.amazon.awscdk.CfnElement)
                synth.stack.getNode().findChild("PrimaryBucket").getNode().getDefaultChild());
        String replica = synth.stack.getLogicalId((software.amazon.awscdk.CfnElement)
                synth.stack.getNode().findChild("ReplicaBucket").getNode().getDefaultChild());
        for (String fn : List.of("eddy-prod-ingest", "eddy-prod-fetch", "eddy-prod-compactor")) {
            JsonNode buckets = function(fn)
                    .path("Properties")
                    .path("Environment")
                    .path("Variables")
                    .path("EDDY_STORAGE_BUCKETS")
                    .path("Fn::Join");
            assertThat(buckets.path(0).asText()).as(fn).isEqualTo(",");
            assertThat(buckets.path(1))
                    .as(fn)
                    .extracting(b -> b.path("Ref").asText())
                    .containsExactly(primary, replica);
        }
    }

    @Test
    void httpsEndpointsAreIamAuthorisedFunctionUrlsOnTheAliases() {
        synth.template.resourceCountIs("AWS::Lambda::Url", 2);
        synth.template.allResourcesProperties(
                "AWS::Lambda::Url", Match.objectLike(Map.of("AuthType", "AWS_IAM", "Qualifier", "live")));
        // no public invoke permission: function URLs with AWS_IAM need none for the account's own principals
        synth.template.resourcePropertiesCountIs(
                "AWS::Lambda::Permission", Match.objectLike(Map.of("Principal", "*")), 0);
    }

    @Test
    void theCompactorRunsOnItsScheduleThroughItsAlias() {
        String alias = logicalId(synth.stack.compactor().orElseThrow().alias());
        synth.template.resourceCountIs("AWS::Events::Rule", 1);
        synth.template.hasResourceProperties(
                "AWS::Events::Rule",
                Match.objectLike(Map.of(
                        "Name", "eddy-prod-compactor",
                        "ScheduleExpression", "rate(10 minutes)",
                        "State", "ENABLED",
                        "Targets",
                                List.of(Match.objectLike(Map.of(
                                        "Arn", Map.of("Ref", alias),
                                        "RetryPolicy", Map.of("MaximumRetryAttempts", 0)))))));
        String rule = synth.resources("AWS::Events::Rule").keySet().iterator().next();
        // EventBridge may invoke the alias (a SnapStart version), from this rule only
        synth.template.resourcePropertiesCountIs(
                "AWS::Lambda::Permission", Match.objectLike(Map.of("Principal", "events.amazonaws.com")), 1);
        synth.template.hasResourceProperties(
                "AWS::Lambda::Permission",
                Match.objectLike(Map.of(
                        "Action",
                        "lambda:InvokeFunction",
                        "Principal",
                        "events.amazonaws.com",
                        "FunctionName",
                        Map.of("Ref", alias),
                        "SourceArn",
                        Map.of("Fn::GetAtt", List.of(rule, "Arn")))));
    }

    @Test
    void theHttpFunctionsApplyTheConfiguredPrincipalsToTheirIamCallers() {
        for (String name : List.of("eddy-prod-ingest", "eddy-prod-fetch")) {
            JsonNode vars =
                    function(name).path("Properties").path("Environment").path("Variables");
            assertThat(vars.path("EDDY_AUTH_MODE").asText()).as(name).isEqualTo("iam");
            assertThat(vars.path("EDDY_AUTH_PRINCIPALS_WRITERS_IAM_ARN").asText())
                    .isEqualTo("arn:aws:sts::123456789012:assumed-role/orders-writer/*");
            assertThat(vars.path("EDDY_AUTH_PRINCIPALS_WRITERS_GRANTS").asText())
                    .isEqualTo("produce:topic:orders-*,consume:topic:orders-*");
            assertThat(vars.path("EDDY_AUTH_PRINCIPALS_OPS_GRANTS").asText())
                    .isEqualTo("admin:cluster:*,admin:topic:*");
        }
        // the compactor has no HTTP endpoint: IAM's invoke permission is all that governs it
        assertThat(function("eddy-prod-compactor")
                        .path("Properties")
                        .path("Environment")
                        .path("Variables")
                        .has("EDDY_AUTH_MODE"))
                .isFalse();
    }

    @Test
    void theCompactorRunsItsJobsUnderTheLeaseItsTimeoutWasCheckedAgainst() {
        JsonNode vars = function("eddy-prod-compactor")
                .path("Properties")
                .path("Environment")
                .path("Variables");
        assertThat(vars.path("EDDY_COMPACTOR_LEASE_DURATION").asText()).isEqualTo("300s");
        for (String other : List.of("eddy-prod-ingest", "eddy-prod-fetch")) {
            assertThat(function(other)
                            .path("Properties")
                            .path("Environment")
                            .path("Variables")
                            .has("EDDY_COMPACTOR_LEASE_DURATION"))
                    .isFalse();
        }
        synth.template.hasResourceProperties(
                "AWS::Lambda::Function",
                Match.objectLike(
                        Map.of("FunctionName", "eddy-prod-compactor", "Handler", EddySettings.QUARKUS_HANDLER)));
    }

    @Test
    void aDashboardPlotsProduceRateErrorsLatencyLagStorageCallsAndCompactionFromTheEmfMeters() {
        Map<String, JsonNode> dashboards = synth.resources("AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        JsonNode dashboard = dashboards.values().iterator().next().path("Properties");
        assertThat(dashboard.path("DashboardName").asText()).isEqualTo("eddy-prod");
        // the body is joined with the region's token: its literal parts hold the widgets
        StringBuilder body = new StringBuilder();
        JsonNode join = dashboard.path("DashboardBody").path("Fn::Join").path(1);
        (join.isMissingNode() ? List.of(dashboard.path("DashboardBody")) : (Iterable<JsonNode>) join::elements)
                .forEach(part -> body.append(part.isTextual() ? part.asText() : ""));
        for (String metric : List.of(
                "eddy_records_in_total",
                "eddy_produce_requests_total",
                "eddy_produce_ack_seconds_sum",
                "eddy_group_lag_records",
                "eddy_group_lag_seconds",
                "eddy_s3_requests_total",
                "eddy_dynamodb_requests_total",
                "eddy_compaction_passes_total")) {
            assertThat(body.toString()).contains("MetricName=\\\"" + metric + "\\\"");
        }
        assertThat(body.toString()).contains("SEARCH('{Eddy,function,api,outcome}");
    }

    @Test
    void everyFunctionAlarmsOnErrorsAndThrottles() {
        synth.template.resourceCountIs("AWS::CloudWatch::Alarm", 6);
        for (String fn : List.of("ingest", "fetch", "compactor")) {
            for (String metric : List.of("Errors", "Throttles")) {
                synth.template.hasResourceProperties(
                        "AWS::CloudWatch::Alarm",
                        Match.objectLike(Map.of(
                                "AlarmName",
                                "eddy-prod-" + fn + "-" + metric.toLowerCase(),
                                "MetricName",
                                metric,
                                "Namespace",
                                "AWS/Lambda",
                                "Statistic",
                                "Sum",
                                "Threshold",
                                1,
                                "ComparisonOperator",
                                "GreaterThanOrEqualToThreshold",
                                "TreatMissingData",
                                "notBreaching")));
            }
        }
    }

    @Test
    void outputsNameEndpointsTableAndBuckets() {
        for (String output : List.of(
                "IngestUrl",
                "FetchUrl",
                "IngestFunction",
                "FetchFunction",
                "TableName",
                "PrimaryBucketName",
                "ReplicaBucketName",
                "CompactorFunction")) {
            synth.template.hasOutput(output, Match.anyValue());
        }
    }

    @Test
    void eachFunctionHasARoleOfItsOwnWithNoWildcards() {
        List<String> roles = List.of(synth.roleOf("ingest"), synth.roleOf("fetch"), synth.roleOf("compactor"));
        assertThat(roles).doesNotHaveDuplicates();
        for (String role : roles) {
            assertThat(synth.json.get("Resources").get(role).path("Properties").has("ManagedPolicyArns"))
                    .as("no managed policies (AWSLambdaBasicExecutionRole allows logs on *)")
                    .isFalse();
            for (JsonNode s : synth.statementsOf(role)) {
                assertThat(Synth.actions(s)).as(s.toString()).noneMatch(a -> a.contains("*"));
                assertThat(s.path("Resource").toString()).as(s.toString()).isNotEqualTo("\"*\"");
                assertThat(s.path("Effect").asText()).isEqualTo("Allow");
            }
        }
    }

    @Test
    void fetchMayReadSegmentsAndMetadataAndWriteOnlyConsumerGroupItems() {
        List<JsonNode> statements = synth.statementsOf(synth.roleOf("fetch"));
        List<String> all = new ArrayList<>();
        statements.forEach(s -> all.addAll(Synth.actions(s)));

        assertThat(all)
                .contains("s3:GetObject", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem")
                .doesNotContain("s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "dynamodb:Scan");
        for (JsonNode s : statements) {
            if (Synth.actions(s).stream().anyMatch(DYNAMO_WRITES::contains)) {
                JsonNode leading =
                        s.path("Condition").path("ForAllValues:StringLike").path("dynamodb:LeadingKeys");
                assertThat(leading.isArray())
                        .as("DynamoDB writes without a LeadingKeys condition: " + s)
                        .isTrue();
                List<String> patterns = new ArrayList<>();
                leading.forEach(p -> patterns.add(p.asText()));
                assertThat(patterns).containsExactlyInAnyOrder("G#*", "GROUPS");
            }
        }
    }

    @Test
    void ingestMayWriteObjectsAndCommitButNotReadOrDeleteObjects() {
        List<String> all = new ArrayList<>();
        synth.statementsOf(synth.roleOf("ingest")).forEach(s -> all.addAll(Synth.actions(s)));

        assertThat(all)
                .contains(
                        "s3:PutObject",
                        "dynamodb:UpdateItem",
                        "dynamodb:PutItem",
                        "dynamodb:ConditionCheckItem",
                        "dynamodb:Query")
                .doesNotContain(
                        "s3:GetObject",
                        "s3:DeleteObject",
                        "s3:ListBucket",
                        "dynamodb:Scan",
                        "dynamodb:DeleteTable",
                        "dynamodb:BatchWriteItem");
    }

    @Test
    void theCompactorMayRewriteListAndDeleteObjectsAndMaintainTheTableAndNothingMore() {
        List<JsonNode> statements = synth.statementsOf(synth.roleOf("compactor"));
        List<String> all = new ArrayList<>();
        statements.forEach(s -> all.addAll(Synth.actions(s)));

        // merge (read, write, swap), retention (truncate), GC (list, scan, delete, purge), repair (read, write);
        // the swaps and truncations are transactions, which IAM authorises item by item with these actions
        assertThat(all)
                .containsExactlyInAnyOrder(
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "s3:GetObject",
                        "s3:PutObject",
                        "s3:DeleteObject",
                        "s3:ListBucket",
                        "dynamodb:GetItem",
                        "dynamodb:BatchGetItem",
                        "dynamodb:Query",
                        "dynamodb:Scan",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                        "dynamodb:ConditionCheckItem",
                        "dynamodb:BatchWriteItem");
        for (JsonNode s : statements) {
            List<String> actions = Synth.actions(s);
            String resources = s.path("Resource").toString();
            if (actions.contains("s3:ListBucket")) {
                assertThat(actions).as(s.toString()).containsExactly("s3:ListBucket");
                assertThat(s.path("Resource").size()).as(s.toString()).isEqualTo(2);
                assertThat(resources)
                        .contains("PrimaryBucket")
                        .contains("ReplicaBucket")
                        .doesNotContain("/*");
            } else if (actions.stream().anyMatch(a -> a.startsWith("s3:"))) {
                assertThat(s.path("Resource").size()).as(s.toString()).isEqualTo(2);
                assertThat(resources)
                        .contains("PrimaryBucket")
                        .contains("ReplicaBucket")
                        .contains("/*");
            } else if (actions.stream().anyMatch(a -> a.startsWith("dynamodb:"))) {
                // the table itself: no index, no stream, no other table
                JsonNode resource = s.path("Resource");
                if (resource.isArray()) {
                    assertThat(resource.size()).as(s.toString()).isEqualTo(1);
                    resource = resource.get(0);
                }
                assertThat(resource.toString())
                        .as(s.toString())
                        .isEqualTo("{\"Fn::GetAtt\":[\"" + logicalId(synth.stack.table()) + "\",\"Arn\"]}");
            }
        }
    }

    @Test
    void objectPermissionsCoverBothBucketsAndNothingElse() {
        for (String fn : List.of("ingest", "fetch")) {
            JsonNode s3 = synth.statementsOf(synth.roleOf(fn)).stream()
                    .filter(s -> Synth.actions(s).stream().anyMatch(a -> a.startsWith("s3:")))
                    .findFirst()
                    .orElseThrow();
            assertThat(s3.path("Resource").size()).as(fn + ": " + s3).isEqualTo(2);
            assertThat(s3.path("Resource").toString()).contains("PrimaryBucket").contains("ReplicaBucket");
        }
    }

    @Test
    void synthesisesWithoutWarningsOrErrors() {
        software.amazon.awscdk.assertions.Annotations annotations =
                software.amazon.awscdk.assertions.Annotations.fromStack(synth.stack);
        annotations.hasNoWarning("*", Match.anyValue());
        annotations.hasNoError("*", Match.anyValue());
    }

    private static String logicalId(software.constructs.IConstruct construct) {
        return synth.stack.getLogicalId(
                (software.amazon.awscdk.CfnElement) construct.getNode().getDefaultChild());
    }

    private static JsonNode function(String name) {
        return synth.resources("AWS::Lambda::Function").values().stream()
                .filter(f -> f.path("Properties").path("FunctionName").asText().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
