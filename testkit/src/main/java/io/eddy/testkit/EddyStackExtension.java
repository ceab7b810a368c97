package io.eddy.testkit;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * JUnit 5 extension that gives a test class an {@link EddyStack}, as a constructor, {@code @BeforeAll}, or test
 * method parameter:
 *
 * <pre>{@code
 * @ExtendWith(EddyStackExtension.class)
 * class DynamoMetadataStoreTest {
 *     @Test
 *     void staleWriterLoses(EddyStack stack) { ... stack.dynamoAsync() ... stack.table() ... }
 * }
 * }</pre>
 *
 * <p>The stack points at {@link Standins#shared()}: one stand-ins helper JVM for the whole test JVM, in memory,
 * on free ports, warmed up, started at first use and stopped when the JVM exits. With the system property
 * {@value EddyStack#ENDPOINT_PROPERTY} set (LocalStack, say) it starts nothing and uses that endpoint for
 * both services (see {@link EddyStack#create}).
 *
 * <p>Each test class (each {@code @Nested} class too) gets a table and bucket name of its own, which it creates
 * itself; after the class, the extension deletes that table, that bucket and any bucket made by
 * {@link EddyStack#newBucketName()}, if they exist, ignoring errors.
 *
 * <p>Thread-safe: JUnit may run classes in parallel; each class's stack is kept in its own extension store.
 */
public final class EddyStackExtension implements ParameterResolver, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EddyStackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EddyStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return stackOf(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        EddyStack stack = context.getStore(NAMESPACE).remove(EddyStack.class, EddyStack.class);
        if (stack != null) {
            deleteQuietly(stack);
        }
    }

    /** The stack of the test class {@code context} belongs to, made at the first request. */
    private static EddyStack stackOf(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent()
                && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        String name = EddyStack.uniqueName(classContext.getRequiredTestClass().getSimpleName());
        return classContext
                .getStore(NAMESPACE)
                .computeIfAbsent(EddyStack.class, key -> EddyStack.create(name, name), EddyStack.class);
    }

    /** Best effort: the class's table and buckets, if it created them. */
    private static void deleteQuietly(EddyStack stack) {
        try (DynamoDbClient dynamo = stack.dynamo()) {
            dynamo.deleteTable(b -> b.tableName(stack.table()));
        } catch (RuntimeException absent) {
            // never created, or already deleted
        }
        try (S3Client s3 = stack.s3()) {
            for (Bucket bucket : s3.listBuckets().buckets()) {
                if (stack.ownsBucket(bucket.name())) {
                    emptyAndDelete(s3, bucket.name());
                }
            }
        } catch (RuntimeException unreachable) {
            // the stand-ins are gone already: nothing left to clean
        }
    }

    private static void emptyAndDelete(S3Client s3, String bucket) {
        try {
            for (MultipartUpload upload :
                    s3.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads()) {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
            }
            List<ObjectIdentifier> keys = new ArrayList<>();
            for (S3Object object :
                    s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
                keys.add(ObjectIdentifier.builder().key(object.key()).build());
                if (keys.size() == 1000) {
                    deleteObjects(s3, bucket, keys);
                }
            }
            deleteObjects(s3, bucket, keys);
            s3.deleteBucket(b -> b.bucket(bucket));
        } catch (RuntimeException busy) {
            // another class's objects or a concurrent writer: leave it
        }
    }

    private static void deleteObjects(S3Client s3, String bucket, List<ObjectIdentifier> keys) {
        if (!keys.isEmpty()) {
            List<ObjectIdentifier> page = List.copyOf(keys);
            s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(page).quiet(true)));
            keys.clear();
        }
    }
}
