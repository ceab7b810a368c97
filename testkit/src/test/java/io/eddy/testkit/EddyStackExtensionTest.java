package io.eddy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

@ExtendWith(EddyStackExtension.class)
class EddyStackExtensionTest {
    private final EddyStack fromConstructor;

    EddyStackExtensionTest(EddyStack stack) {
        this.fromConstructor = stack;
    }

    @Test
    void theClassHasOneStackWithNamesOfItsOwn(EddyStack fromMethod) {
        assertThat(fromMethod).isSameAs(fromConstructor);
        assertThat(fromMethod.table()).matches("eddy-eddystackextensiontest-[0-9a-f]{8}");
        assertThat(fromMethod.bucket()).isEqualTo(fromMethod.table());
        String extra = fromMethod.newBucketName();
        assertThat(extra).matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]").isNotEqualTo(fromMethod.newBucketName());
        assertThat(fromMethod.ownsBucket(extra)).isTrue();
        assertThat(fromMethod.ownsBucket(EddyStack.uniqueName("eddystackextensiontest")))
                .isFalse();
    }

    @Test
    void uniqueNamesAreValidForTablesAndBuckets() {
        assertThat(EddyStack.uniqueName("A_Very.Long$ClassName_ThatGoesOnAndOnAndOnAndOnAndOnAndOn"))
                .matches("eddy-averylongclassnamethatgoesonandonandonan-[0-9a-f]{8}")
                .hasSizeLessThanOrEqualTo(54);
        assertThat(EddyStack.uniqueName("$$")).matches("eddy-test-[0-9a-f]{8}");
    }

    @Test
    void aConfiguredEndpointIsUsedForBothServicesInsteadOfStandins() {
        Map<String, String> settings = Map.of(EddyStack.ENDPOINT_PROPERTY, "http://127.0.0.1:4566");

        EddyStack stack = EddyStack.create("eddy-t-1", "eddy-t-1", settings::get);

        assertThat(stack.dynamoEndpoint()).isEqualTo(URI.create("http://127.0.0.1:4566"));
        assertThat(stack.s3Endpoint()).isEqualTo(URI.create("http://127.0.0.1:4566"));
        assertThat(stack.accessKey()).isEqualTo("test");
        assertThat(stack.secretKey()).isEqualTo("test");
        assertThat(stack.region()).isEqualTo("us-east-1");
    }

    @Test
    void afterTheClassItsTableAndBucketsAreDeleted() {
        // when
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(CreatesItsResources.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.succeeded(1).failed(0));

        // then
        EddyStack used = CreatesItsResources.stack;
        try (DynamoDbClient dynamo = fromConstructor.dynamo();
                S3Client s3 = fromConstructor.s3()) {
            assertThat(dynamo.listTables().tableNames()).doesNotContain(used.table());
            assertThat(s3.listBuckets().buckets())
                    .extracting(Bucket::name)
                    .noneMatch(name -> name.startsWith(used.bucket()));
        }
    }

    /** Run by {@link #afterTheClassItsTableAndBucketsAreDeleted()} only (surefire skips nested classes). */
    @ExtendWith(EddyStackExtension.class)
    static class CreatesItsResources {
        static volatile EddyStack stack;

        @Test
        void createsTableBucketAndReplica(EddyStack stack) {
            CreatesItsResources.stack = stack;
            try (DynamoDbClient dynamo = stack.dynamo();
                    S3AsyncClient s3 = stack.s3Async()) {
                dynamo.createTable(b -> b.tableName(stack.table())
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(AttributeDefinition.builder()
                                .attributeName("pk")
                                .attributeType(ScalarAttributeType.S)
                                .build())
                        .keySchema(KeySchemaElement.builder()
                                .attributeName("pk")
                                .keyType(KeyType.HASH)
                                .build()));
                String replica = stack.newBucketName();
                for (String bucket : new String[] {stack.bucket(), replica}) {
                    s3.createBucket(b -> b.bucket(bucket)).join();
                    s3.putObject(b -> b.bucket(bucket).key("a/b"), AsyncRequestBody.fromString("x"))
                            .join();
                }
                s3.createMultipartUpload(b -> b.bucket(replica).key("unfinished"))
                        .join();
            }
        }
    }
}
