package io.eddy.testkit;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * JUnit 5 extension: gives a test class an {@link EddyStack} (constructor or method parameter) pointing at
 * the stand-ins this JVM starts once ({@link Standins#shared()}), warmed up, with a table and bucket name of
 * the class's own, deleted (if created) after the class. With {@code -Deddy.test.endpoint=URL} it starts
 * nothing and points at that endpoint (LocalStack, say) with credentials {@code eddy.test.access-key} /
 * {@code eddy.test.secret-key} (default {@code test}/{@code test}).
 */
public final class EddyStackExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    public static final String ENDPOINT_PROPERTY = "eddy.test.endpoint";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EddyStackExtension.class);
    private static boolean warmedUp;

    @Override
    public void beforeAll(ExtensionContext context) {
        String name = EddyStack.uniqueName(context.getRequiredTestClass().getSimpleName());
        context.getStore(NAMESPACE).put(EddyStack.class, stack(name, name));
    }

    /** The stack for a table and bucket name, on the shared stand-ins or the configured endpoint. */
    public static EddyStack stack(String table, String bucket) {
        String endpoint = System.getProperty(ENDPOINT_PROPERTY);
        if (endpoint != null && !endpoint.isBlank()) {
            URI uri = URI.create(endpoint.trim());
            return new EddyStack(uri, uri, System.getProperty("eddy.test.region", "us-east-1"),
                    System.getProperty("eddy.test.access-key", "test"), System.getProperty("eddy.test.secret-key", "test"),
                    table, bucket);
        }
        Standins standins = Standins.shared();
        EddyStack stack = new EddyStack(standins.dynamoEndpoint(), standins.s3Endpoint(), standins.region(),
                standins.accessKey(), standins.secretKey(), table, bucket);
        warmUpOnce(stack);
        return stack;
    }

    /**
     * DynamoDB Local is CPU-bound over HTTP until its JIT is warm: a few hundred conditional updates from 8
     * threads, once per JVM, make the first tests as fast as the rest.
     */
    private static synchronized void warmUpOnce(EddyStack stack) {
        if (warmedUp) {
            return;
        }
        warmedUp = true;
        String table = EddyStack.uniqueName("warmup");
        try (DynamoDbAsyncClient dynamo = stack.dynamoAsync()) {
            dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())).join();
            for (int round = 0; round < 50; round++) {
                List<CompletableFuture<?>> batch = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int item = t;
                    batch.add(dynamo.updateItem(b -> b.tableName(table)
                            .key(Map.of("pk", AttributeValue.fromS("k" + item)))
                            .updateExpression("ADD n :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))));
                }
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
            }
            dynamo.deleteTable(b -> b.tableName(table)).join();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        EddyStack stack = context.getStore(NAMESPACE).remove(EddyStack.class, EddyStack.class);
        if (stack != null) {
            deleteQuietly(stack);
        }
    }

    /** Best effort: the table and bucket, if the test created them. */
    private static void deleteQuietly(EddyStack stack) {
        try (DynamoDbAsyncClient dynamo = stack.dynamoAsync()) {
            dynamo.deleteTable(b -> b.tableName(stack.table())).exceptionally(t -> null).join();
        }
        try (S3Client s3 = stack.s3()) {
            List<ObjectIdentifier> keys = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(stack.bucket())).contents()) {
                keys.add(ObjectIdentifier.builder().key(o.key()).build());
                if (keys.size() == 1000) {
                    List<ObjectIdentifier> page = List.copyOf(keys);
                    s3.deleteObjects(b -> b.bucket(stack.bucket()).delete(d -> d.objects(page)));
                    keys.clear();
                }
            }
            if (!keys.isEmpty()) {
                s3.deleteObjects(b -> b.bucket(stack.bucket()).delete(d -> d.objects(keys)));
            }
            s3.deleteBucket(b -> b.bucket(stack.bucket()));
        } catch (RuntimeException absentOrBusy) {
            // the bucket was never created, or is already gone: nothing to clean
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EddyStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getStore(NAMESPACE).get(EddyStack.class) == null && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        EddyStack stack = classContext.getStore(NAMESPACE).get(EddyStack.class, EddyStack.class);
        if (stack == null) {
            throw new IllegalStateException("EddyStackExtension must be registered on the test class");
        }
        return stack;
    }
}
