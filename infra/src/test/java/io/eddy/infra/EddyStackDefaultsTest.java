package io.eddy.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;

/**
 * The stack with no context but the assets: a stage named {@code dev}, generated bucket names, no replica, and
 * no compactor (its code lands with the compactor issue).
 */
class EddyStackDefaultsTest {
    @TempDir
    static Path dir;
    static Synth synth;

    @BeforeAll
    static void synthesise() {
        synth = Synth.of(dir, Map.of(), "ingest", "fetch");
    }

    @Test
    void withoutCompactorCodeThereIsNoCompactorNorSchedule() {
        synth.template.resourceCountIs("AWS::Lambda::Function", 2);
        synth.template.resourceCountIs("AWS::Events::Rule", 0);
        synth.template.resourceCountIs("AWS::CloudWatch::Alarm", 4);
        assertThat(synth.stack.compactor()).isEmpty();
        assertThat(synth.template.findOutputs("CompactorFunction", Match.anyValue())).isEmpty();
    }

    @Test
    void oneGeneratedPrimaryBucketAndNoReplica() {
        synth.template.resourceCountIs("AWS::S3::Bucket", 1);
        synth.template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "BucketName", Match.absent())));
        synth.template.hasResource("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
        assertThat(synth.template.findOutputs("ReplicaBucketName", Match.anyValue())).isEmpty();
    }

    @Test
    void namesDeriveFromTheStage() {
        synth.template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of("TableName", "eddy-dev")));
        synth.template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "FunctionName", "eddy-dev-fetch", "MemorySize", 1024, "Timeout", 30)));
        assertThat(synth.stack.getStackName()).isEqualTo("Eddy-dev");
    }

    @Test
    void onAwsTheFunctionsUseTheServicesDefaultEndpoints() {
        synth.template.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of("Environment",
                Map.of("Variables", Match.objectLike(Map.of("EDDY_AWS_S3_ENDPOINT", Match.absent(),
                        "EDDY_AWS_DYNAMODB_ENDPOINT", Match.absent()))))));
    }

    @Test
    void settingsRefuseWhatCannotDeploy() {
        EddySettings.Size size = new EddySettings.Size(1024, 30);
        assertThatThrownBy(() -> new EddySettings("Prod!", Optional.empty(), Optional.empty(), "t", "a", "b",
                Optional.empty(), "h", "rate(1 hour)", size, size, size, Optional.empty(), true, Optional.empty()))
                .hasMessageContaining("stage");
        assertThatThrownBy(() -> new EddySettings("dev", Optional.empty(), Optional.empty(), "t", "a", "b",
                Optional.empty(), "h", "rate(1 hour)", size, new EddySettings.Size(1024, 20), size, Optional.empty(), true, Optional.empty()))
                .hasMessageContaining("long-poll");
        assertThatThrownBy(() -> new EddySettings.Size(64, 30)).hasMessageContaining("memory");
    }
}
