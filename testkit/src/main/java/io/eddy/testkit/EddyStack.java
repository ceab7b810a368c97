package io.eddy.testkit;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where a test class's AWS (or stand-ins) endpoints are, and the table and bucket names that class owns. The
 * table and bucket are not created here: the product's own bootstrap creates them, with its schema.
 *
 * <p>Immutable and thread-safe. Each client factory builds a new client, which the caller closes.
 *
 * @param dynamoEndpoint DynamoDB endpoint, e.g. {@code http://127.0.0.1:45123}
 * @param s3Endpoint S3 endpoint, addressed path-style
 * @param region signing region
 * @param accessKey static access key
 * @param secretKey static secret key
 * @param table this test class's table name
 * @param bucket this test class's bucket name; {@link #newBucketName()} makes more
 */
public record EddyStack(
        URI dynamoEndpoint,
        URI s3Endpoint,
        String region,
        String accessKey,
        String secretKey,
        String table,
        String bucket) {
    /** System property: an endpoint (LocalStack, say) to use for both services instead of starting stand-ins. */
    public static final String ENDPOINT_PROPERTY = "eddy.test.endpoint";
    /** System property: access key for {@link #ENDPOINT_PROPERTY}, default {@code test}. */
    public static final String ACCESS_KEY_PROPERTY = "eddy.test.access-key";
    /** System property: secret key for {@link #ENDPOINT_PROPERTY}, default {@code test}. */
    public static final String SECRET_KEY_PROPERTY = "eddy.test.secret-key";
    /** System property: region for {@link #ENDPOINT_PROPERTY}, default {@code us-east-1}. */
    public static final String REGION_PROPERTY = "eddy.test.region";

    /** Longest name {@link #uniqueName} makes, leaving room for {@link #newBucketName()}'s suffix within 63. */
    private static final int UNIQUE_NAME_MAX = 54;

    private static final int BUCKET_NAME_MAX = 63;

    public EddyStack {
        Objects.requireNonNull(dynamoEndpoint, "dynamoEndpoint");
        Objects.requireNonNull(s3Endpoint, "s3Endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        if (!isValidName(table) || !isValidName(bucket)) {
            throw new IllegalArgumentException("table and bucket names must be 3-63 lowercase letters, digits and "
                    + "hyphens, starting and ending with a letter or digit: " + table + ", " + bucket);
        }
    }

    /**
     * The stack for these names: on the endpoint named by the system property {@value #ENDPOINT_PROPERTY} if it
     * is set, otherwise on {@link Standins#shared()} (started and warmed up at the first call).
     */
    public static EddyStack create(String table, String bucket) {
        return create(table, bucket, System::getProperty);
    }

    /** {@link #create(String, String)} with the given source of settings (system properties). */
    static EddyStack create(String table, String bucket, UnaryOperator<String> settings) {
        String endpoint = Objects.requireNonNullElse(settings.apply(ENDPOINT_PROPERTY), "")
                .trim();
        if (endpoint.isEmpty()) {
            return on(Standins.shared(), table, bucket);
        }
        URI uri = URI.create(endpoint);
        return new EddyStack(
                uri,
                uri,
                Objects.requireNonNullElse(settings.apply(REGION_PROPERTY), Standins.REGION),
                Objects.requireNonNullElse(settings.apply(ACCESS_KEY_PROPERTY), "test"),
                Objects.requireNonNullElse(settings.apply(SECRET_KEY_PROPERTY), "test"),
                table,
                bucket);
    }

    /** The stack for these names on the given stand-ins. */
    public static EddyStack on(Standins standins, String table, String bucket) {
        return new EddyStack(
                standins.dynamoEndpoint(),
                standins.s3Endpoint(),
                standins.region(),
                standins.accessKey(),
                standins.secretKey(),
                table,
                bucket);
    }

    /**
     * A fresh name valid as both a DynamoDB table and an S3 bucket: {@code eddy-<hint>-<8 hex>}, the hint
     * lowercased, cut to letters and digits and to 40 characters.
     */
    public static String uniqueName(String hint) {
        String clean = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (clean.isEmpty()) {
            clean = "test";
        }
        String name = "eddy-" + clean.substring(0, Math.min(clean.length(), 40)) + "-" + randomHex();
        assert name.length() <= UNIQUE_NAME_MAX;
        return name;
    }

    /**
     * Another bucket name for this test class ({@code <bucket>-<8 hex>}, for replicas, say); the extension
     * deletes such buckets with the class's own.
     *
     * @throws IllegalStateException if {@link #bucket()} is too long to extend (not one {@link #uniqueName} made)
     */
    public String newBucketName() {
        String name = bucket + "-" + randomHex();
        if (name.length() > BUCKET_NAME_MAX) {
            throw new IllegalStateException("bucket name " + bucket + " is too long to derive others from");
        }
        return name;
    }

    /** Whether the bucket is this class's: {@link #bucket()} or one {@link #newBucketName()} made. */
    boolean ownsBucket(String name) {
        return name.equals(bucket) || name.startsWith(bucket + "-") && name.length() == bucket.length() + 9;
    }

    public StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    /** An async DynamoDB client (Netty) for this stack. */
    public DynamoDbAsyncClient dynamoAsync() {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(dynamoEndpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(nettyHttpClient())
                .build();
    }

    /** An async S3 client (Netty, path-style) for this stack. */
    public S3AsyncClient s3Async() {
        return S3AsyncClient.builder()
                .endpointOverride(s3Endpoint)
                .forcePathStyle(true)
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(nettyHttpClient())
                .build();
    }

    /** A blocking DynamoDB client for this stack (the SDK's default blocking HTTP client). */
    public DynamoDbClient dynamo() {
        return DynamoDbClient.builder()
                .endpointOverride(dynamoEndpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .build();
    }

    /** A blocking S3 client (path-style) for this stack (the SDK's default blocking HTTP client). */
    public S3Client s3() {
        return S3Client.builder()
                .endpointOverride(s3Endpoint)
                .forcePathStyle(true)
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .build();
    }

    /**
     * Netty on one event loop group shared by all clients of this JVM, for async clients a test builds itself
     * ({@code .httpClientBuilder(EddyStack.nettyHttpClient())}): a client with an event loop group of its own
     * waits about 2 s for it to shut down when closed, a cost every test would pay.
     */
    public static NettyNioAsyncHttpClient.Builder nettyHttpClient() {
        return NettyNioAsyncHttpClient.builder().eventLoopGroup(SharedEventLoop.GROUP);
    }

    /** Created at first use; its threads are daemons, so it needs no shutdown. */
    private static final class SharedEventLoop {
        static final SdkEventLoopGroup GROUP = SdkEventLoopGroup.builder().build();
    }

    static boolean isValidName(String name) {
        return name != null && name.matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
    }

    /**
     * The Eddy configuration ({@code eddy.*} properties) that points an application at this stack, its table
     * and bucket created by the application's own bootstrap: what a Quarkus test resource returns.
     */
    public java.util.Map<String, String> eddyConfig() {
        return java.util.Map.of(
                "eddy.aws.dynamodb-endpoint", dynamoEndpoint.toString(),
                "eddy.aws.s3-endpoint", s3Endpoint.toString(),
                "eddy.aws.region", region,
                "eddy.aws.access-key", accessKey,
                "eddy.aws.secret-key", secretKey,
                "eddy.table", table,
                "eddy.bucket", bucket,
                "eddy.bootstrap.create-resources", "true");
    }

    private static String randomHex() {
        return String.format("%08x", ThreadLocalRandom.current().nextInt());
    }
}
