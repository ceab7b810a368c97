package io.eddy.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;

/**
 * The stack with no context but the assets: a stage named {@code dev}, generated bucket names, no replica, and
 * the compactor on its default schedule, the Kafka service; and the same stack with the compactor and the Kafka service
 * left out ({@code compactor=false}, {@code kafka=false}): the functions alone.
 */
class EddyStackDefaultsTest {
    @TempDir
    static Path dir;

    static Synth synth;
    static Synth withoutCompactor;

    @BeforeAll
    static void synthesise() {
        synth = Synth.of(dir.resolve("default"), Map.of(), "ingest", "fetch", "compactor");
        withoutCompactor = Synth.of(
                dir.resolve("no-compactor"), Map.of("compactor", "false", "kafka", "false"), "ingest", "fetch");
    }

    @Test
    void theAssetsDefaultToTheZipsTheLambdaModulesBuild() {
        EddySettings settings = EddySettings.fromContext(new App().getNode());
        assertThat(settings.ingestAsset()).isEqualTo("../ingest-fn/lambda/target/function.zip");
        assertThat(settings.fetchAsset()).isEqualTo("../fetch-fn/lambda/target/function.zip");
        assertThat(settings.compactorAsset()).contains("../compactor/lambda/target/function.zip");
        assertThat(settings.compactorSchedule()).isEqualTo("rate(5 minutes)");
        assertThat(settings.compactorLease()).isEqualTo(Duration.ofMinutes(5));
        assertThat(EddySettings.fromContext(App.Builder.create()
                                .context(Map.of("compactor", "false"))
                                .build()
                                .getNode())
                        .compactorAsset())
                .isEmpty();
    }

    @Test
    void byDefaultTheCompactorRunsEveryFiveMinutesWithFifteenToFinish() {
        synth.template.resourceCountIs("AWS::Lambda::Function", 3);
        synth.template.hasResourceProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of(
                        "FunctionName",
                        "eddy-dev-compactor",
                        "Handler",
                        EddySettings.QUARKUS_HANDLER,
                        "MemorySize",
                        2048,
                        "Timeout",
                        900)));
        synth.template.resourceCountIs("AWS::Events::Rule", 1);
        synth.template.hasResourceProperties(
                "AWS::Events::Rule",
                Match.objectLike(Map.of("Name", "eddy-dev-compactor", "ScheduleExpression", "rate(5 minutes)")));
        synth.template.resourceCountIs("AWS::CloudWatch::Alarm", 6);
        assertThat(synth.stack.compactor()).isPresent();
        synth.template.hasOutput("CompactorFunction", Match.anyValue());
    }

    @Test
    void withoutAReplicaTheFunctionsMayUseThePrimaryBucketAlone() {
        synth.template.allResourcesProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of(
                        "Environment",
                        Map.of(
                                "Variables",
                                Match.objectLike(Map.of(
                                        "EDDY_STORAGE_BUCKETS",
                                        Map.of("Ref", synth.stack.getLogicalId((software.amazon.awscdk.CfnElement)
                                                synth.stack
                                                        .getNode()
                                                        .findChild("PrimaryBucket")
                                                        .getNode()
                                                        .getDefaultChild()))))))));
    }

    @Test
    void withTheCompactorLeftOutThereIsNoCompactorRoleNorSchedule() {
        withoutCompactor.template.resourceCountIs("AWS::Lambda::Function", 2);
        withoutCompactor.template.resourceCountIs("AWS::Events::Rule", 0);
        withoutCompactor.template.resourceCountIs("AWS::CloudWatch::Alarm", 4);
        withoutCompactor.template.resourceCountIs("AWS::IAM::Role", 2);
        assertThat(withoutCompactor.stack.compactor()).isEmpty();
        assertThat(withoutCompactor.template.findOutputs("CompactorFunction", Match.anyValue()))
                .isEmpty();
    }

    @Test
    void aMissingCompactorZipIsExplained() {
        App app = App.Builder.create()
                .outdir(dir.resolve("missing").toString())
                .context(Map.of(
                        "ingestAsset",
                                Synth.placeholderZip(dir.resolve("i.zip")).toString(),
                        "fetchAsset", Synth.placeholderZip(dir.resolve("f.zip")).toString(),
                        "compactorAsset", dir.resolve("nowhere.zip").toString()))
                .build();
        EddySettings settings = EddySettings.fromContext(app.getNode());
        assertThatThrownBy(() ->
                        new EddyStack(app, "Eddy-dev", StackProps.builder().build(), settings))
                .hasMessageContaining("nowhere.zip")
                .hasMessageContaining("-c compactor=false");
    }

    @Test
    void oneGeneratedPrimaryBucketAndNoReplica() {
        synth.template.resourceCountIs("AWS::S3::Bucket", 1);
        synth.template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of("BucketName", Match.absent())));
        synth.template.hasResource("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
        assertThat(synth.template.findOutputs("ReplicaBucketName", Match.anyValue()))
                .isEmpty();
    }

    @Test
    void namesDeriveFromTheStage() {
        synth.template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of("TableName", "eddy-dev")));
        synth.template.hasResourceProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of("FunctionName", "eddy-dev-fetch", "MemorySize", 1024, "Timeout", 30)));
        assertThat(synth.stack.getStackName()).isEqualTo("Eddy-dev");
    }

    @Test
    void onAwsTheFunctionsUseTheServicesDefaultEndpoints() {
        synth.template.allResourcesProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of(
                        "Environment",
                        Map.of(
                                "Variables",
                                Match.objectLike(Map.of(
                                        "EDDY_AWS_S3_ENDPOINT",
                                        Match.absent(),
                                        "EDDY_AWS_DYNAMODB_ENDPOINT",
                                        Match.absent()))))));
    }

    @Test
    void withoutPrincipalsTheFunctionsLeaveAccessToIam() {
        synth.template.allResourcesProperties(
                "AWS::Lambda::Function",
                Match.objectLike(Map.of(
                        "Environment",
                        Map.of("Variables", Match.objectLike(Map.of("EDDY_AUTH_MODE", Match.absent()))))));
    }

    @Test
    void principalsWithBadNamesOrGrantsAreRefusedBeforeSynthesis() {
        assertThatThrownBy(() -> new EddyAccess(Map.of(
                        "orders-writer",
                        new EddyAccess.IamPrincipal("arn:aws:iam::1:role/w", List.of("produce:topic:orders-*")))))
                .hasMessageContaining("lower-case letters and digits");
        assertThatThrownBy(() -> new EddyAccess.IamPrincipal("arn:aws:iam::1:role/w", List.of("write:topic:orders")))
                .hasMessageContaining("a grant is");
        assertThatThrownBy(() -> new EddyAccess.IamPrincipal("role/w", List.of()))
                .hasMessageContaining("must be an ARN");
        assertThat(new EddyAccess(Map.of(
                                "ops",
                                new EddyAccess.IamPrincipal("arn:aws:iam::1:role/*", List.of("admin:cluster:*"))))
                        .environment())
                .containsEntry("EDDY_AUTH_MODE", "iam")
                .containsEntry("EDDY_AUTH_PRINCIPALS_OPS_IAM_ARN", "arn:aws:iam::1:role/*");
    }

    @Test
    void settingsRefuseWhatCannotDeploy() {
        EddySettings.Size size = new EddySettings.Size(1024, 30);
        Duration lease = Duration.ofMinutes(5);
        EddySettings.Size compactor = new EddySettings.Size(2048, 900);
        assertThatThrownBy(() -> new EddySettings(
                        "Prod!",
                        Optional.empty(),
                        Optional.empty(),
                        "t",
                        "a",
                        "b",
                        Optional.empty(),
                        "h",
                        "rate(1 hour)",
                        lease,
                        size,
                        size,
                        compactor,
                        Optional.empty(),
                        true,
                        Optional.empty()))
                .hasMessageContaining("stage");
        assertThatThrownBy(() -> new EddySettings(
                        "dev",
                        Optional.empty(),
                        Optional.empty(),
                        "t",
                        "a",
                        "b",
                        Optional.empty(),
                        "h",
                        "rate(1 hour)",
                        lease,
                        size,
                        new EddySettings.Size(1024, 20),
                        compactor,
                        Optional.empty(),
                        true,
                        Optional.empty()))
                .hasMessageContaining("long-poll");
        // a job may run its whole lease (5 min) before it stops: the function must not be cut off before that
        assertThatThrownBy(() -> new EddySettings(
                        "dev",
                        Optional.empty(),
                        Optional.empty(),
                        "t",
                        "a",
                        "b",
                        Optional.of("c"),
                        "h",
                        "rate(1 hour)",
                        lease,
                        size,
                        size,
                        new EddySettings.Size(2048, 300),
                        Optional.empty(),
                        true,
                        Optional.empty()))
                .hasMessageContaining("job lease");
        assertThat(new EddySettings(
                                "dev",
                                Optional.empty(),
                                Optional.empty(),
                                "t",
                                "a",
                                "b",
                                Optional.empty(),
                                "h",
                                "rate(1 hour)",
                                lease,
                                size,
                                size,
                                new EddySettings.Size(2048, 300),
                                Optional.empty(),
                                true,
                                Optional.empty())
                        .compactorAsset())
                .as("no compactor, nothing to check")
                .isEmpty();
        assertThatThrownBy(() -> new EddySettings.Size(64, 30)).hasMessageContaining("memory");
    }
}
