package io.eddy.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.cloudwatch.IAlarmAction;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.FunctionUrl;
import software.amazon.awscdk.services.lambda.FunctionUrlAuthType;
import software.amazon.awscdk.services.lambda.FunctionUrlOptions;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * One Eddy deployment: segment buckets, the metadata table, the ingest and fetch functions behind IAM-authorised
 * function URLs, the compactor on an EventBridge schedule (unless left out), the Kafka service behind a network load
 * balancer (unless left out: {@link KafkaService}), alarms and outputs. Each function's role
 * holds only what that function's code calls (see {@code docs/deploy.md}, "Permissions").
 */
public final class EddyStack extends Stack {
    /** Partition keys of the consumer-group items (group, member, offsets) and of the group directory row. */
    static final List<String> GROUP_KEY_PATTERNS = List.of("G#*", "GROUPS");

    private static final List<String> TABLE_READS =
            List.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query");
    private static final List<String> ITEM_WRITES =
            List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem");

    private final Bucket primary;
    private final Optional<Bucket> replica;
    private final Table table;
    private final EddyFunction ingest;
    private final EddyFunction fetch;
    private final Optional<EddyFunction> compactor;
    private final Optional<KafkaService> kafka;

    public EddyStack(Construct scope, String id, StackProps props, EddySettings settings) {
        super(scope, id, props);
        Tags.of(this).add("eddy:stage", settings.stage());
        RemovalPolicy dataRemoval = settings.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

        primary = bucket("PrimaryBucket", settings.primaryBucket(), dataRemoval);
        replica = settings.replicaBucket().map(name -> bucket("ReplicaBucket", Optional.of(name), dataRemoval));
        table = Table.Builder.create(this, "Table")
                .tableName(settings.table())
                .partitionKey(Attribute.builder()
                        .name("pk")
                        .type(AttributeType.STRING)
                        .build())
                .sortKey(Attribute.builder()
                        .name("sk")
                        .type(AttributeType.STRING)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .timeToLiveAttribute("expiresAt")
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(dataRemoval)
                .build();

        IAlarmAction alarms = settings.alarmTopicArn()
                .<IAlarmAction>map(arn -> new SnsAction(Topic.fromTopicArn(this, "AlarmTopic", arn)))
                .orElse(null);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("EDDY_TABLE", table.getTableName());
        environment.put("EDDY_BUCKET", primary.getBucketName());
        // the only buckets a topic may name in its replicas, and garbage collection and repair may touch
        environment.put(
                "EDDY_STORAGE_BUCKETS",
                replica.map(r -> Fn.join(",", List.of(primary.getBucketName(), r.getBucketName())))
                        .orElse(primary.getBucketName()));
        environment.put("EDDY_AWS_REGION", Aws.REGION);
        settings.serviceEndpoint().ifPresent(endpoint -> {
            environment.put("EDDY_AWS_S3_ENDPOINT", endpoint);
            environment.put("EDDY_AWS_DYNAMODB_ENDPOINT", endpoint);
        });

        // the HTTP functions apply Eddy's permission model to the IAM caller when principals are configured
        Map<String, String> httpEnvironment = new LinkedHashMap<>(environment);
        httpEnvironment.putAll(EddyAccess.fromContext(getNode()).environment());
        ingest = new EddyFunction(
                this,
                "Ingest",
                settings.stage(),
                "ingest",
                settings.ingestAsset(),
                EddySettings.QUARKUS_HANDLER,
                settings.ingest(),
                httpEnvironment,
                ingestStatements(),
                alarms);
        fetch = new EddyFunction(
                this,
                "Fetch",
                settings.stage(),
                "fetch",
                settings.fetchAsset(),
                EddySettings.QUARKUS_HANDLER,
                settings.fetch(),
                httpEnvironment,
                fetchStatements(),
                alarms);
        FunctionUrl ingestUrl = url(ingest);
        FunctionUrl fetchUrl = url(fetch);

        compactor = settings.compactorAsset().map(asset -> {
            if (!Files.exists(Path.of(asset))) {
                throw new IllegalArgumentException(
                        "no compactor function at " + asset + ": build it (mvn -DskipTests"
                                + " install), name it with -c compactorAsset=…, or leave the compactor out with -c compactor=false");
            }
            // The lease the function runs its jobs under is the one its timeout was checked against (EddySettings).
            Map<String, String> compactorEnvironment = new LinkedHashMap<>(environment);
            compactorEnvironment.put(
                    "EDDY_COMPACTOR_LEASE_DURATION", settings.compactorLease().toSeconds() + "s");
            EddyFunction fn = new EddyFunction(
                    this,
                    "Compactor",
                    settings.stage(),
                    "compactor",
                    asset,
                    settings.compactorHandler(),
                    settings.compactor(),
                    compactorEnvironment,
                    compactorStatements(),
                    alarms);
            // Through the alias, like every caller (a SnapStart version); no retries: the next run picks up where a
            // failed one stopped, and a retry would overlap it.
            Rule.Builder.create(this, "CompactorSchedule")
                    .ruleName("eddy-" + settings.stage() + "-compactor")
                    .description("Runs the Eddy compactor (merge, retention, garbage collection, repair)")
                    .schedule(Schedule.expression(settings.compactorSchedule()))
                    .targets(List.of(LambdaFunction.Builder.create(fn.alias())
                            .retryAttempts(0)
                            .build()))
                    .build();
            return fn;
        });

        // The Kafka face: the server's jar on Fargate, with what ingest and fetch may do together (it is both)
        kafka = KafkaSettings.fromContext(getNode()).map(k -> {
            List<PolicyStatement> statements = new ArrayList<>(ingestStatements());
            statements.addAll(fetchStatements());
            return new KafkaService(this, "Kafka", settings.stage(), k, environment, statements);
        });

        // produce rate, errors, latency, lag, S3/DynamoDB calls, compaction: the functions' EMF meters
        EddyDashboard.create(this, settings.stage());

        output("IngestUrl", ingestUrl.getUrl(), "produce and topic admin (SigV4, service lambda)");
        output("FetchUrl", fetchUrl.getUrl(), "fetch, offsets, consumer groups (SigV4, service lambda)");
        output(
                "IngestFunction",
                ingest.alias().getFunctionArn(),
                "grant lambda:InvokeFunctionUrl on this to producers");
        output("FetchFunction", fetch.alias().getFunctionArn(), "grant lambda:InvokeFunctionUrl on this to consumers");
        output("TableName", table.getTableName(), "metadata table");
        output("PrimaryBucketName", primary.getBucketName(), "segment bucket");
        replica.ifPresent(
                b -> output("ReplicaBucketName", b.getBucketName(), "replica bucket: name it in a topic's replicas"));
        compactor.ifPresent(c -> output("CompactorFunction", c.alias().getFunctionArn(), "scheduled compactor"));
        kafka.ifPresent(k ->
                output("KafkaBootstrapServers", k.bootstrapServers(), "Kafka clients' bootstrap.servers (SASL/PLAIN)"));
    }

    private Bucket bucket(String id, Optional<String> name, RemovalPolicy removal) {
        Bucket.Builder b = Bucket.Builder.create(this, id)
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("abort-incomplete-multipart-uploads")
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
                .removalPolicy(removal);
        name.ifPresent(b::bucketName);
        return b.build();
    }

    private List<String> bucketObjects() {
        List<String> arns = new ArrayList<>(List.of(primary.arnForObjects("*")));
        replica.ifPresent(r -> arns.add(r.arnForObjects("*")));
        return arns;
    }

    private List<String> bucketArns() {
        List<String> arns = new ArrayList<>(List.of(primary.getBucketArn()));
        replica.ifPresent(r -> arns.add(r.getBucketArn()));
        return arns;
    }

    /** Ingest writes segment objects and commits: topics, heads, index entries, producer states, idempotency keys. */
    private List<PolicyStatement> ingestStatements() {
        List<String> tableActions = new ArrayList<>(TABLE_READS);
        tableActions.addAll(ITEM_WRITES);
        return List.of(
                statement("PutSegments", List.of("s3:PutObject"), bucketObjects()),
                statement("CommitAndAdminister", tableActions, List.of(table.getTableArn())));
    }

    /**
     * Fetch reads segments and metadata, and serves consumer groups: it writes group items only, which the
     * {@code dynamodb:LeadingKeys} condition enforces (partition keys {@code G#…} and {@code GROUPS}).
     */
    private List<PolicyStatement> fetchStatements() {
        List<String> groupWrites = new ArrayList<>(ITEM_WRITES);
        groupWrites.add("dynamodb:BatchWriteItem");
        return List.of(
                statement("ReadSegments", List.of("s3:GetObject"), bucketObjects()),
                statement("ReadMetadata", TABLE_READS, List.of(table.getTableArn())),
                PolicyStatement.Builder.create()
                        .sid("WriteGroupItemsOnly")
                        .actions(groupWrites)
                        .resources(List.of(table.getTableArn()))
                        .conditions(
                                Map.of("ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", GROUP_KEY_PATTERNS)))
                        .build());
    }

    /**
     * The compactor merges, expires and deletes: it reads, writes and deletes objects, lists them (orphan
     * collection), and reads and writes the whole table, scanning it for partitions to work on. Its swaps and
     * truncations are {@code TransactWriteItems}, which IAM authorises item by item (Put, Update, Delete and
     * ConditionCheck in the transaction need {@code PutItem}, {@code UpdateItem}, {@code DeleteItem},
     * {@code ConditionCheckItem}): there is no {@code dynamodb:TransactWriteItems} action to grant.
     */
    private List<PolicyStatement> compactorStatements() {
        List<String> tableActions = new ArrayList<>(TABLE_READS);
        tableActions.addAll(ITEM_WRITES);
        tableActions.addAll(List.of("dynamodb:BatchWriteItem", "dynamodb:Scan"));
        return List.of(
                statement(
                        "RewriteSegments", List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"), bucketObjects()),
                statement("ListSegments", List.of("s3:ListBucket"), bucketArns()),
                statement("MaintainMetadata", tableActions, List.of(table.getTableArn())));
    }

    private static PolicyStatement statement(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create()
                .sid(sid)
                .actions(actions)
                .resources(resources)
                .build();
    }

    private static FunctionUrl url(EddyFunction fn) {
        return fn.alias()
                .addFunctionUrl(FunctionUrlOptions.builder()
                        .authType(FunctionUrlAuthType.AWS_IAM)
                        .build());
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    public Table table() {
        return table;
    }

    public EddyFunction ingest() {
        return ingest;
    }

    public EddyFunction fetch() {
        return fetch;
    }

    public Optional<EddyFunction> compactor() {
        return compactor;
    }

    public Optional<KafkaService> kafka() {
        return kafka;
    }
}
