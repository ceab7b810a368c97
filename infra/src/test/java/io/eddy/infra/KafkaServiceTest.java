package io.eddy.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.assertions.Match;

/**
 * The Kafka service as a production deployment configures it (a replica bucket, token principals, an advertised
 * name), and as the defaults make it: synthesised with no Docker (the image is only staged, built at deploy).
 */
class KafkaServiceTest {
    private static final String HASH = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Synth synth;
    static Synth defaults;

    @BeforeAll
    static void synthesise() {
        synth = Synth.of(
                dir.resolve("prod"),
                Map.of(
                        "stage", "prod",
                        "replicaBucket", "acme-eddy-prod-replica",
                        "kafkaAdvertisedHost", "kafka.acme.example",
                        "kafkaDesiredCount", "3",
                        "kafkaPrincipals",
                                "{\"billing\": {\"tokenSha256\": \"" + HASH + "\","
                                        + " \"grants\": [\"consume:topic:orders-*\", \"consume:group:billing\"]}}"),
                "ingest",
                "fetch",
                "compactor");
        defaults = Synth.of(dir.resolve("defaults"), Map.of(), "ingest", "fetch", "compactor");
    }

    @Test
    void aFargateServiceOfTheConfiguredTasksRunsTheServerImageOnArm64() {
        synth.template.resourceCountIs("AWS::ECS::Service", 1);
        synth.template.hasResourceProperties(
                "AWS::ECS::Service",
                Match.objectLike(Map.of(
                        "ServiceName",
                        "eddy-prod-kafka",
                        "LaunchType",
                        "FARGATE",
                        "DesiredCount",
                        3,
                        "DeploymentConfiguration",
                        Match.objectLike(Map.of(
                                "MinimumHealthyPercent",
                                50,
                                "DeploymentCircuitBreaker",
                                Map.of("Enable", true, "Rollback", true))))));
        synth.template.hasResourceProperties(
                "AWS::ECS::TaskDefinition",
                Match.objectLike(Map.of(
                        "Family", "eddy-prod-kafka",
                        "RequiresCompatibilities", List.of("FARGATE"),
                        "RuntimePlatform", Map.of("CpuArchitecture", "ARM64", "OperatingSystemFamily", "LINUX"),
                        "ContainerDefinitions",
                                List.of(Match.objectLike(Map.of(
                                        "Name",
                                        KafkaService.CONTAINER,
                                        "Essential",
                                        true,
                                        "PortMappings",
                                        List.of(
                                                Map.of("ContainerPort", 9092, "Protocol", "tcp"),
                                                // the server's HTTP port: the load balancer's readiness checks
                                                Map.of("ContainerPort", 8080, "Protocol", "tcp"))))))));
    }

    @Test
    void defaultsAreTwoTasksAdvertisingTheLoadBalancersNameAndNoPrincipals() {
        defaults.template.hasResourceProperties(
                "AWS::ECS::Service", Match.objectLike(Map.of("ServiceName", "eddy-dev-kafka", "DesiredCount", 2)));
        JsonNode env = environment(defaults);
        String advertised = env.path("EDDY_KAFKA_ADVERTISED_HOST").toString();
        assertThat(advertised)
                .as("the load balancer's DNS name")
                .contains("Fn::GetAtt")
                .contains("DNSName");
        assertThat(env.path("EDDY_AUTH_MODE").asText()).isEqualTo("token");
        assertThat(env.fieldNames()).toIterable().noneMatch(n -> n.startsWith("EDDY_AUTH_PRINCIPALS_"));
        assertThat(defaults.json
                        .path("Outputs")
                        .path("KafkaBootstrapServers")
                        .path("Value")
                        .toString())
                .contains("DNSName")
                .contains(":9092");
    }

    @Test
    void theContainersEnvironmentIsTheDeploymentsWithTheListenerAndTokenAccessControl() {
        JsonNode env = environment(synth);

        assertThat(env.path("EDDY_KAFKA_HOST").asText()).isEqualTo("0.0.0.0");
        assertThat(env.path("EDDY_KAFKA_PORT").asText()).isEqualTo("9092");
        assertThat(env.path("EDDY_KAFKA_ADVERTISED_HOST").asText()).isEqualTo("kafka.acme.example");
        assertThat(env.path("EDDY_KAFKA_ADVERTISED_PORT").asText()).isEqualTo("9092");
        JsonNode ingest = synth.resources("AWS::Lambda::Function").values().stream()
                .filter(f -> f.path("Properties").path("FunctionName").asText().equals("eddy-prod-ingest"))
                .findFirst()
                .orElseThrow()
                .path("Properties")
                .path("Environment")
                .path("Variables");
        for (String deployment : List.of("EDDY_TABLE", "EDDY_BUCKET", "EDDY_STORAGE_BUCKETS", "EDDY_AWS_REGION")) {
            assertThat(env.path(deployment)).as(deployment).isEqualTo(ingest.path(deployment));
            assertThat(env.has(deployment)).as(deployment).isTrue();
        }
        assertThat(env.path("EDDY_STORAGE_BUCKETS").toString()).contains("ReplicaBucket");
        assertThat(env.path("EDDY_BOOTSTRAP_CREATE_RESOURCES").asText())
                .as("the table and buckets are the stack's")
                .isEqualTo("false");
        assertThat(env.path("EDDY_COMPACTOR_SCHEDULED").asText())
                .as("the compactor function compacts")
                .isEqualTo("false");
        assertThat(env.path("EDDY_AUTH_MODE").asText()).isEqualTo("token");
        assertThat(env.path("EDDY_AUTH_PRINCIPALS_BILLING_TOKEN_SHA256").asText())
                .isEqualTo(HASH);
        assertThat(env.path("EDDY_AUTH_PRINCIPALS_BILLING_GRANTS").asText())
                .isEqualTo("consume:topic:orders-*,consume:group:billing");
        synth.template.hasOutput(
                "KafkaBootstrapServers", Map.of("Value", "kafka.acme.example:9092", "Description", Match.anyValue()));
    }

    @Test
    void anInternetFacingNetworkLoadBalancerListensOnTcp9092AndHealthChecksTheServersReadiness() {
        synth.template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
        synth.template.hasResourceProperties(
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                Match.objectLike(Map.of("Type", "network", "Scheme", "internet-facing", "Name", "eddy-prod-kafka")));
        synth.template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 1);
        synth.template.hasResourceProperties(
                "AWS::ElasticLoadBalancingV2::Listener", Match.objectLike(Map.of("Port", 9092, "Protocol", "TCP")));
        synth.template.hasResourceProperties(
                "AWS::ElasticLoadBalancingV2::TargetGroup",
                Match.objectLike(Map.of(
                        "Port", 9092,
                        "Protocol", "TCP",
                        "TargetType", "ip",
                        "HealthCheckProtocol", "HTTP",
                        "HealthCheckPort", "8080",
                        "HealthCheckPath", "/q/health/ready")));
        synth.template.hasResourceProperties(
                "AWS::ECS::Service",
                Match.objectLike(Map.of(
                        "LoadBalancers",
                        List.of(Match.objectLike(
                                Map.of("ContainerName", KafkaService.CONTAINER, "ContainerPort", 9092))))));
    }

    @Test
    void theTasksAcceptConnectionsFromTheLoadBalancerAlone() {
        JsonNode tasks = securityGroup("Kafka tasks");
        JsonNode balancer = securityGroup("Kafka load balancer");

        JsonNode ingress = tasks.path("SecurityGroupIngress");
        List<JsonNode> rules = new ArrayList<>();
        ingress.forEach(rules::add);
        synth.resources("AWS::EC2::SecurityGroupIngress").values().forEach(r -> rules.add(r.path("Properties")));
        List<JsonNode> toTasks = rules.stream()
                .filter(r -> r.path("GroupId").toString().contains(logicalIdOfGroup("Kafka tasks")))
                .toList();
        // Kafka clients through the balancer, and its readiness checks on the server's HTTP port
        assertThat(toTasks).hasSize(2);
        assertThat(toTasks)
                .allSatisfy(
                        rule -> assertThat(rule.path("SourceSecurityGroupId").toString())
                                .contains(logicalIdOfGroup("Kafka load balancer")));
        assertThat(toTasks.stream()
                        .map(r -> r.path("FromPort").asInt() + "-"
                                + r.path("ToPort").asInt()))
                .containsExactlyInAnyOrder("9092-9092", "8080-8080");
        assertThat(tasks.path("SecurityGroupIngress").isMissingNode()).isTrue();
        assertThat(balancer.path("SecurityGroupIngress").get(0).path("FromPort").asInt())
                .isEqualTo(9092);
    }

    @Test
    void theTaskRoleHoldsExactlyWhatIngestAndFetchHoldOnTheStacksResourcesWithNoWildcards() {
        String role = logicalId(synth.stack.kafka().orElseThrow().taskRole());
        List<JsonNode> statements = synth.statementsOf(role);

        assertThat(statements).isNotEmpty();
        for (JsonNode s : statements) {
            assertThat(Synth.actions(s)).as(s.toString()).noneMatch(a -> a.contains("*"));
            assertThat(s.path("Resource").toString()).as(s.toString()).isNotEqualTo("\"*\"");
            assertThat(s.path("Effect").asText()).isEqualTo("Allow");
        }
        List<JsonNode> functions = new ArrayList<>(synth.statementsOf(synth.roleOf("ingest")));
        functions.addAll(synth.statementsOf(synth.roleOf("fetch")));
        functions.removeIf(s -> s.path("Sid").asText().equals("WriteOwnLogs"));
        assertThat(statements).containsExactlyInAnyOrderElementsOf(functions);
        assertThat(synth.json
                        .path("Resources")
                        .path(role)
                        .path("Properties")
                        .path("AssumeRolePolicyDocument")
                        .toString())
                .contains("ecs-tasks.amazonaws.com");
    }

    @Test
    void synthesisStagesTheImageForDeployWithoutBuildingIt() throws Exception {
        Path assembly = dir.resolve("prod").resolve("cdk.out");
        ((App) synth.stack.getNode().getRoot()).synth();
        JsonNode manifest =
                JSON.readTree(assembly.resolve("Eddy-prod.assets.json").toFile());

        JsonNode images = manifest.path("dockerImages");
        assertThat(images.size()).isEqualTo(1);
        JsonNode image = images.elements().next();
        assertThat(image.path("source").path("platform").asText()).isEqualTo("linux/arm64");
        Path staged = assembly.resolve(image.path("source").path("directory").asText());
        assertThat(Files.readString(staged.resolve("Dockerfile")))
                .isEqualTo(Files.readString(Path.of("..", "server", "src", "main", "docker", "Dockerfile")))
                .contains("FROM public.ecr.aws/amazoncorretto/amazoncorretto:21")
                .contains("quarkus-run.jar");
    }

    @Test
    void aMissingServerImageIsExplainedAndKafkaFalseLeavesTheServiceOut() {
        assertThatThrownBy(() -> Synth.of(
                        dir.resolve("missing"),
                        Map.of("kafkaAsset", dir.resolve("nowhere").toString()),
                        "ingest",
                        "fetch",
                        "compactor"))
                .hasMessageContaining("mvn -DskipTests package -pl server -am")
                .hasMessageContaining("-c kafka=false");
        assertThat(KafkaSettings.fromContext(App.Builder.create()
                        .context(Map.of("kafka", "false"))
                        .build()
                        .getNode()))
                .isEmpty();
        assertThat(KafkaSettings.fromContext(new App().getNode()).orElseThrow().asset())
                .isEqualTo("../server/target/quarkus-app");
    }

    @Test
    void badKafkaSettingsAreRefusedBeforeSynthesis() {
        assertThatThrownBy(() -> new KafkaSettings("a", java.util.Optional.empty(), 1, 1024, 2048, Map.of()))
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> new KafkaSettings.TokenPrincipal("not-a-hash", List.of()))
                .hasMessageContaining("64 lower-case hex");
        assertThatThrownBy(() -> new KafkaSettings.TokenPrincipal(HASH, List.of("write:topic:x")))
                .hasMessageContaining("a grant is");
        assertThatThrownBy(() -> new KafkaSettings(
                        "a",
                        java.util.Optional.empty(),
                        2,
                        1024,
                        2048,
                        Map.of("Bad-Name", new KafkaSettings.TokenPrincipal(HASH, List.of()))))
                .hasMessageContaining("lower-case letters and digits");
    }

    private static JsonNode environment(Synth s) {
        JsonNode task =
                s.resources("AWS::ECS::TaskDefinition").values().iterator().next();
        JsonNode env = JSON.createObjectNode();
        task.path("Properties")
                .path("ContainerDefinitions")
                .get(0)
                .path("Environment")
                .forEach(e -> ((com.fasterxml.jackson.databind.node.ObjectNode) env)
                        .set(e.path("Name").asText(), e.path("Value")));
        return env;
    }

    private static JsonNode securityGroup(String description) {
        return synth.resources("AWS::EC2::SecurityGroup").values().stream()
                .map(r -> r.path("Properties"))
                .filter(p -> p.path("GroupDescription").asText().contains(description))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no security group '" + description + "'"));
    }

    private static String logicalIdOfGroup(String description) {
        return synth.resources("AWS::EC2::SecurityGroup").entrySet().stream()
                .filter(e -> e.getValue()
                        .path("Properties")
                        .path("GroupDescription")
                        .asText()
                        .contains(description))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
    }

    private static String logicalId(software.constructs.IConstruct construct) {
        return synth.stack.getLogicalId((CfnElement) construct.getNode().getDefaultChild());
    }
}
