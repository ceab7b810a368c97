package io.eddy.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddNetworkTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseNetworkListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.Protocol;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * Eddy's Kafka face on AWS: the server's jar in a container (its image built from {@code kafkaAsset} by
 * {@code cdk deploy}, not by synth) as an ECS Fargate service of at least two tasks, since a Lambda function cannot
 * hold a TCP connection. Every task answers for every partition and every group (leaderless), so a network load
 * balancer spreads connections over them with a TCP listener on 9092 and health-checks the listener's port. Tasks
 * advertise the load balancer's name (or {@code kafkaAdvertisedHost}), require SASL/PLAIN with the configured
 * principals' tokens, and run under a task role holding only what the ingest and fetch functions hold. A VPC of its
 * own: public subnets in two zones (no NAT gateway to pay for), the tasks reachable only from the load balancer, and
 * gateway endpoints keeping S3 and DynamoDB traffic inside AWS's network.
 */
public final class KafkaService extends Construct {
    /** The container's name in the task definition. */
    public static final String CONTAINER = "eddy";

    private final Role taskRole;
    private final FargateService service;
    private final NetworkLoadBalancer loadBalancer;
    private final NetworkListener listener;
    private final String advertisedHost;

    /**
     * @param environment the deployment's configuration as the functions get it (table, buckets, region, endpoints)
     * @param statements  what the task may do besides logging: the ingest and fetch functions' statements
     */
    public KafkaService(
            Construct scope,
            String id,
            String stage,
            KafkaSettings settings,
            Map<String, String> environment,
            List<PolicyStatement> statements) {
        super(scope, id);
        if (!Files.isRegularFile(Path.of(settings.asset(), "Dockerfile"))) {
            throw new IllegalArgumentException("no server image at " + settings.asset() + " (a directory with a "
                    + "Dockerfile): build the server (mvn -DskipTests package -pl server -am), name it with "
                    + "-c kafkaAsset=…, or leave the Kafka service out with -c kafka=false");
        }
        String name = "eddy-" + stage + "-kafka";

        Vpc vpc = Vpc.Builder.create(this, "Vpc")
                .maxAzs(2)
                .natGateways(0)
                .restrictDefaultSecurityGroup(false)
                .subnetConfiguration(List.of(SubnetConfiguration.builder()
                        .name("public")
                        .subnetType(SubnetType.PUBLIC)
                        .cidrMask(24)
                        .build()))
                .gatewayEndpoints(Map.of(
                        "S3",
                        GatewayVpcEndpointOptions.builder()
                                .service(GatewayVpcEndpointAwsService.S3)
                                .build(),
                        "DynamoDB",
                        GatewayVpcEndpointOptions.builder()
                                .service(GatewayVpcEndpointAwsService.DYNAMODB)
                                .build()))
                .build();

        SecurityGroup balancerGroup = SecurityGroup.Builder.create(this, "LoadBalancerSecurityGroup")
                .vpc(vpc)
                .description("Eddy " + stage + " Kafka load balancer: Kafka clients in")
                .build();
        balancerGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(KafkaSettings.PORT), "Kafka clients (SASL/PLAIN)");
        SecurityGroup taskGroup = SecurityGroup.Builder.create(this, "TaskSecurityGroup")
                .vpc(vpc)
                .description("Eddy " + stage + " Kafka tasks: from the load balancer only")
                .build();
        taskGroup.addIngressRule(balancerGroup, Port.tcp(KafkaSettings.PORT), "the load balancer");
        taskGroup.addIngressRule(
                balancerGroup, Port.tcp(KafkaSettings.HTTP_PORT), "the load balancer's readiness checks");

        loadBalancer = NetworkLoadBalancer.Builder.create(this, "LoadBalancer")
                .loadBalancerName(name)
                .vpc(vpc)
                .internetFacing(true)
                .securityGroups(List.of(balancerGroup))
                .build();
        advertisedHost = settings.advertisedHost().orElse(loadBalancer.getLoadBalancerDnsName());

        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .logGroupName("/eddy/" + stage + "/kafka")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        PolicyDocument policy = new PolicyDocument();
        statements.forEach(policy::addStatements);
        taskRole = Role.Builder.create(this, "TaskRole")
                .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .description("Eddy " + stage + " kafka service: least privilege")
                .inlinePolicies(Map.of("eddy-kafka", policy))
                .build();

        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, "Task")
                .family(name)
                .cpu(settings.cpu())
                .memoryLimitMiB(settings.memoryMb())
                .runtimePlatform(RuntimePlatform.builder()
                        .cpuArchitecture(CpuArchitecture.ARM64)
                        .operatingSystemFamily(OperatingSystemFamily.LINUX)
                        .build())
                .taskRole(taskRole)
                .build();
        task.addContainer(
                CONTAINER,
                ContainerDefinitionOptions.builder()
                        .image(ContainerImage.fromAsset(
                                settings.asset(),
                                AssetImageProps.builder()
                                        .platform(Platform.LINUX_ARM64)
                                        .build()))
                        .essential(true)
                        .environment(containerEnvironment(settings, environment, advertisedHost))
                        .portMappings(List.of(
                                PortMapping.builder()
                                        .containerPort(KafkaSettings.PORT)
                                        .protocol(software.amazon.awscdk.services.ecs.Protocol.TCP)
                                        .build(),
                                PortMapping.builder()
                                        .containerPort(KafkaSettings.HTTP_PORT)
                                        .protocol(software.amazon.awscdk.services.ecs.Protocol.TCP)
                                        .build()))
                        .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                                .logGroup(logs)
                                .streamPrefix("kafka")
                                .build()))
                        .build());

        service = FargateService.Builder.create(this, "Service")
                .serviceName(name)
                .cluster(Cluster.Builder.create(this, "Cluster")
                        .clusterName(name)
                        .vpc(vpc)
                        .build())
                .taskDefinition(task)
                .desiredCount(settings.desiredCount())
                .minHealthyPercent(50)
                .assignPublicIp(true) // to pull the image and reach CloudWatch Logs without a NAT gateway
                .vpcSubnets(
                        SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
                .securityGroups(List.of(taskGroup))
                .circuitBreaker(
                        DeploymentCircuitBreaker.builder().rollback(true).build())
                .healthCheckGracePeriod(Duration.seconds(60))
                .build();

        listener = loadBalancer.addListener(
                "Kafka",
                BaseNetworkListenerProps.builder()
                        .port(KafkaSettings.PORT)
                        .protocol(Protocol.TCP)
                        .build());
        listener.addTargets(
                "Tasks",
                AddNetworkTargetsProps.builder()
                        .port(KafkaSettings.PORT)
                        .protocol(Protocol.TCP)
                        .targets(List.of(service))
                        .deregistrationDelay(Duration.seconds(30))
                        // a task takes Kafka clients only while its table and bucket answer (/q/health/ready)
                        .healthCheck(HealthCheck.builder()
                                .protocol(Protocol.HTTP)
                                .port(String.valueOf(KafkaSettings.HTTP_PORT))
                                .path(KafkaSettings.READY_PATH)
                                .interval(Duration.seconds(10))
                                .healthyThresholdCount(2)
                                .unhealthyThresholdCount(2)
                                .build())
                        .build());
    }

    /**
     * The server's configuration in the container: the deployment's, the Kafka listener on every interface
     * advertising {@code advertisedHost}, token access control, and what the functions do elsewhere left to them
     * (scheduled compaction, creating the table and buckets).
     */
    static Map<String, String> containerEnvironment(
            KafkaSettings settings, Map<String, String> environment, String advertisedHost) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("EDDY_KAFKA_HOST", "0.0.0.0");
        // the HTTP port serves the load balancer's readiness checks
        env.put("QUARKUS_HTTP_HOST", "0.0.0.0");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(KafkaSettings.HTTP_PORT));
        // meters (group lag among them) as EMF lines in the task's log group, for the stack's dashboard
        env.put("EDDY_METRICS_EMF", "true");
        env.put("EDDY_KAFKA_PORT", String.valueOf(KafkaSettings.PORT));
        env.put("EDDY_KAFKA_ADVERTISED_HOST", advertisedHost);
        env.put("EDDY_KAFKA_ADVERTISED_PORT", String.valueOf(KafkaSettings.PORT));
        env.put("EDDY_BOOTSTRAP_CREATE_RESOURCES", "false");
        env.put("EDDY_COMPACTOR_SCHEDULED", "false");
        env.putAll(settings.authEnvironment());
        return env;
    }

    public Role taskRole() {
        return taskRole;
    }

    public FargateService service() {
        return service;
    }

    public NetworkLoadBalancer loadBalancer() {
        return loadBalancer;
    }

    public NetworkListener listener() {
        return listener;
    }

    /** What Kafka clients put in {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return advertisedHost + ":" + KafkaSettings.PORT;
    }
}
