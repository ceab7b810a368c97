package io.eddy.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The LocalStack smoke test of {@code localstack/deploy.sh}, run from the test suite: starts the LocalStack image
 * pinned in {@code localstack/docker-compose.yml} with the same ready hook, deploys the synthesised stack (the
 * function zips built by {@code ingest-fn/lambda}, {@code fetch-fn/lambda} and {@code compactor/lambda} in this
 * reactor) through CloudFormation, and runs {@code localstack/smoke.sh} against the deployed function URLs: create a
 * topic, produce, consume.
 *
 * <p>Needs a Docker engine. Without one the class is skipped ("Docker is not available"), which is what a machine
 * without Docker reports; it is not a failure.
 */
@ExtendWith(SkipWithoutDocker.class)
@Testcontainers(disabledWithoutDocker = true)
class LocalStackSmokeIT {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMPOSE = REPO.resolve("localstack/docker-compose.yml");
    private static final String ACCOUNT = LocalStackAssembly.ACCOUNT;
    private static final String STAGE = "smoke";

    @TempDir
    static Path dir;

    static LocalStackContainer localstack;

    @BeforeAll
    static void startLocalStack() throws IOException {
        localstack = new LocalStackContainer(composeImage())
                .withServices(
                        "s3",
                        "dynamodb",
                        "lambda",
                        "cloudformation",
                        "iam",
                        "sts",
                        "ssm",
                        "events",
                        "cloudwatch",
                        "logs")
                .withEnv("LAMBDA_IGNORE_ARCHITECTURE", "1")
                .withEnv("LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT", "60")
                .withCopyFileToContainer(
                        MountableFile.forHostPath(REPO.resolve("localstack/init/ready.d/10-eddy.sh"), 0755),
                        "/etc/localstack/init/ready.d/10-eddy.sh");
        localstack.start();
    }

    @AfterAll
    static void stopLocalStack() {
        if (localstack != null) {
            localstack.stop();
        }
    }

    /** The image docker-compose.yml pins, so the IT and the script run the same LocalStack. */
    static DockerImageName composeImage() throws IOException {
        Matcher m = Pattern.compile("(?m)^\\s*image:\\s*(\\S+)").matcher(Files.readString(COMPOSE));
        if (!m.find()) {
            throw new IllegalStateException("no image in " + COMPOSE);
        }
        String image = m.group(1); // repository:tag@sha256:digest
        String digest = image.substring(image.indexOf('@') + 1);
        String repository = image.substring(0, image.indexOf(':'));
        return DockerImageName.parse(repository + "@" + digest).asCompatibleSubstituteFor("localstack/localstack");
    }

    @Test
    void aTopicIsCreatedProducedToAndConsumedThroughTheDeployedFunctionUrls() throws Exception {
        Map<String, String> outputs = deploy();
        String ingest = outputs.get("IngestUrl");
        String fetch = outputs.get("FetchUrl");
        assertThat(ingest).isNotBlank();
        assertThat(fetch).isNotBlank();

        // the function URL hosts name LocalStack's port 4566; send them to the port the container is mapped to
        StringBuilder connectTo = new StringBuilder();
        for (String url : List.of(ingest, fetch)) {
            URI u = URI.create(url);
            connectTo
                    .append(u.getHost())
                    .append(':')
                    .append(u.getPort())
                    .append(':')
                    .append(localstack.getHost())
                    .append(':')
                    .append(localstack.getMappedPort(4566))
                    .append(' ');
        }
        Path log = dir.resolve("smoke.log");
        ProcessBuilder smoke = new ProcessBuilder(
                        "bash", REPO.resolve("localstack/smoke.sh").toString(), ingest, fetch)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        smoke.environment().put("EDDY_CURL_CONNECT_TO", connectTo.toString().trim());
        Process process = smoke.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("smoke.sh finished").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("smoke test passed");
    }

    /** Synthesises the stack, publishes its assets where the default synthesizer expects them, creates it. */
    private static Map<String, String> deploy() throws IOException {
        Path out = LocalStackAssembly.synthesise(
                dir.resolve("cdk.out"),
                STAGE,
                localstack.getRegion(),
                REPO.resolve("ingest-fn/lambda/target/function.zip"),
                REPO.resolve("fetch-fn/lambda/target/function.zip"),
                REPO.resolve("compactor/lambda/target/function.zip"));
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
        Region region = Region.of(localstack.getRegion());
        try (S3Client s3 = S3Client.builder()
                        .endpointOverride(localstack.getEndpoint())
                        .forcePathStyle(true)
                        .region(region)
                        .credentialsProvider(credentials)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build();
                CloudFormationClient cfn = CloudFormationClient.builder()
                        .endpointOverride(localstack.getEndpoint())
                        .region(region)
                        .credentialsProvider(credentials)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build()) {
            for (AssetUploads.Upload upload : AssetUploads.read(out, "Eddy-" + STAGE, ACCOUNT, localstack.getRegion())
                    .uploads()) {
                if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(upload.bucket()))) {
                    s3.createBucket(b -> b.bucket(upload.bucket()));
                }
                s3.putObject(b -> b.bucket(upload.bucket()).key(upload.key()), RequestBody.fromFile(upload.source()));
            }
            String template = Files.readString(out.resolve("Eddy-" + STAGE + ".template.json"));
            cfn.createStack(b -> b.stackName("Eddy-" + STAGE)
                    .templateBody(template)
                    .capabilities(Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM));
            cfn.waiter()
                    .waitUntilStackCreateComplete(
                            b -> b.stackName("Eddy-" + STAGE),
                            w -> w.waitTimeout(Duration.ofMinutes(10))
                                    .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofSeconds(3))));
            Map<String, String> outputs = new HashMap<>();
            for (Output o : cfn.describeStacks(b -> b.stackName("Eddy-" + STAGE))
                    .stacks()
                    .get(0)
                    .outputs()) {
                outputs.put(o.outputKey(), o.outputValue());
            }
            return outputs;
        }
    }
}
