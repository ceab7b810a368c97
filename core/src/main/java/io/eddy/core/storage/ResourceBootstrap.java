package io.eddy.core.storage;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.Collection;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Creates Eddy's table and buckets where they are missing: for the local stack and tests. On AWS the
 * infrastructure code creates them and this is switched off. Blocking; call it once at start-up.
 */
public final class ResourceBootstrap {
    private static final Logger LOG = Logger.getLogger(ResourceBootstrap.class);

    private ResourceBootstrap() {}

    public static void ensureTable(DynamoDbAsyncClient dynamo, String table) {
        try {
            if (tableExists(dynamo, table)) {
                return;
            }
            try {
                dynamo.createTable(b -> b.tableName(table)
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .attributeDefinitions(
                                        AttributeDefinition.builder()
                                                .attributeName("pk")
                                                .attributeType(ScalarAttributeType.S)
                                                .build(),
                                        AttributeDefinition.builder()
                                                .attributeName("sk")
                                                .attributeType(ScalarAttributeType.S)
                                                .build())
                                .keySchema(
                                        KeySchemaElement.builder()
                                                .attributeName("pk")
                                                .keyType(KeyType.HASH)
                                                .build(),
                                        KeySchemaElement.builder()
                                                .attributeName("sk")
                                                .keyType(KeyType.RANGE)
                                                .build()))
                        .join();
                LOG.infof("created DynamoDB table %s", table);
            } catch (java.util.concurrent.CompletionException e) {
                if (!(e.getCause() instanceof ResourceInUseException)) {
                    throw e;
                }
            }
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(table)).join();
        } catch (RuntimeException e) {
            throw new EddyException(
                    ErrorCode.METADATA_UNAVAILABLE,
                    "cannot create table " + table + ": " + SdkCalls.unwrap(e).getMessage(),
                    e);
        }
    }

    private static boolean tableExists(DynamoDbAsyncClient dynamo, String table) {
        try {
            return dynamo.describeTable(b -> b.tableName(table)).join().table().tableStatus() == TableStatus.ACTIVE;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                return false;
            }
            throw e;
        }
    }

    public static void ensureBuckets(S3AsyncClient s3, Collection<String> buckets) {
        for (String bucket : buckets) {
            try {
                s3.headBucket(b -> b.bucket(bucket)).join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause();
                if (!(cause instanceof NoSuchBucketException
                        || cause instanceof S3Exception s && s.statusCode() == 404)) {
                    throw new EddyException(
                            ErrorCode.STORAGE_UNAVAILABLE,
                            "cannot reach bucket " + bucket + ": " + cause.getMessage(),
                            e);
                }
                try {
                    s3.createBucket(b -> b.bucket(bucket)).join();
                    LOG.infof("created bucket %s", bucket);
                } catch (java.util.concurrent.CompletionException ce) {
                    if (!(ce.getCause() instanceof BucketAlreadyOwnedByYouException)) {
                        throw new EddyException(
                                ErrorCode.STORAGE_UNAVAILABLE,
                                "cannot create bucket " + bucket + ": "
                                        + ce.getCause().getMessage(),
                                ce);
                    }
                }
            }
        }
    }
}
