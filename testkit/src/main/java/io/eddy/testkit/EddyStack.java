package io.eddy.testkit;

import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where a test class's AWS stand-ins are, and the table and bucket names that class owns (not created here:
 * the product's own bootstrap creates them with its schema). Immutable; the client factories make a new
 * client per call, which the caller closes.
 */
public record EddyStack(URI dynamoEndpoint, URI s3Endpoint, String region, String accessKey, String secretKey,
                        String table, String bucket) {

    /** A fresh name valid as a DynamoDB table and an S3 bucket: {@code eddy-<hint>-<8 hex>}. */
    public static String uniqueName(String hint) {
        String clean = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        return "eddy-" + (clean.isEmpty() ? "t" : clean) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Another bucket name for this class (replicas, say). */
    public String newBucketName() {
        return uniqueName("extra");
    }

    public StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    public DynamoDbAsyncClient dynamoAsync() {
        return DynamoDbAsyncClient.builder().endpointOverride(dynamoEndpoint).region(Region.of(region))
                .credentialsProvider(credentials()).httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
    }

    public S3AsyncClient s3Async() {
        return S3AsyncClient.builder().endpointOverride(s3Endpoint).forcePathStyle(true).region(Region.of(region))
                .credentialsProvider(credentials()).httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
    }

    public DynamoDbClient dynamo() {
        return DynamoDbClient.builder().endpointOverride(dynamoEndpoint).region(Region.of(region))
                .credentialsProvider(credentials()).build();
    }

    public S3Client s3() {
        return S3Client.builder().endpointOverride(s3Endpoint).forcePathStyle(true).region(Region.of(region))
                .credentialsProvider(credentials()).build();
    }
}
