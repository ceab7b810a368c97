package io.eddy.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IAlarmAction;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One Eddy function: a role holding only the given statements (plus writing its own logs), a java21 arm64 function
 * with SnapStart on published versions, the {@code live} alias on its current version (what URLs and schedules
 * invoke, so every invocation is of a snapshotted version), its log group, and alarms on errors and throttles.
 */
public final class EddyFunction extends Construct {
    /** The alias every caller invokes. */
    public static final String ALIAS = "live";

    private final Function function;
    private final Alias alias;
    private final Role role;

    /**
     * @param name        the function's name in the stage, e.g. {@code ingest}
     * @param asset       path of the function's zip
     * @param handler     the handler
     * @param size        memory and timeout
     * @param environment the function's configuration (Eddy's {@code EDDY_*} variables)
     * @param statements  everything the function may do besides logging
     * @param alarmAction what alarms notify, or null
     */
    public EddyFunction(
            Construct scope,
            String id,
            String stage,
            String name,
            String asset,
            String handler,
            EddySettings.Size size,
            Map<String, String> environment,
            List<PolicyStatement> statements,
            IAlarmAction alarmAction) {
        super(scope, id);
        String functionName = "eddy-" + stage + "-" + name;

        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .logGroupName("/aws/lambda/" + functionName)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        PolicyDocument policy = new PolicyDocument();
        policy.addStatements(PolicyStatement.Builder.create()
                .sid("WriteOwnLogs")
                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(logs.getLogGroupArn(), logs.getLogGroupArn() + ":*"))
                .build());
        statements.forEach(policy::addStatements);
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Eddy " + stage + " " + name + " function: least privilege")
                .inlinePolicies(Map.of("eddy-" + name, policy))
                .build();

        this.function = Function.Builder.create(this, "Function")
                .functionName(functionName)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(handler)
                .code(Code.fromAsset(asset))
                .memorySize(size.memoryMb())
                .timeout(Duration.seconds(size.timeoutSeconds()))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .environment(environment)
                .role(role)
                .logGroup(logs)
                .build();
        this.alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS)
                .version(function.getCurrentVersion())
                .build();
        // CDK warns that SnapStart needs published versions; the alias above publishes and invokes one.
        Annotations.of(function)
                .acknowledgeWarning(
                        "@aws-cdk/aws-lambda:snapStartRequirePublish",
                        "every deployment publishes a version and the live alias, which all callers invoke, points at it");

        alarm("Errors", function.metricErrors(), functionName, "errors", alarmAction);
        alarm("Throttles", function.metricThrottles(), functionName, "throttles", alarmAction);
    }

    private void alarm(String id, Metric metric, String functionName, String what, IAlarmAction action) {
        Alarm alarm = Alarm.Builder.create(this, id + "Alarm")
                .alarmName(functionName + "-" + what)
                .alarmDescription("Eddy: " + what + " in " + functionName + " (any in 5 minutes)")
                .metric(metric.with(MetricOptions.builder()
                        .period(Duration.minutes(5))
                        .statistic("Sum")
                        .build()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        if (action != null) {
            alarm.addAlarmAction(action);
        }
    }

    public Function function() {
        return function;
    }

    public Alias alias() {
        return alias;
    }

    public Role role() {
        return role;
    }
}
