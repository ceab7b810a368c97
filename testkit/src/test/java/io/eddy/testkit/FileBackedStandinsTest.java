package io.eddy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/** Stand-ins started on a data directory keep their data across a restart (what {@code ./eddy dev} relies on). */
class FileBackedStandinsTest {

    @Test
    void itemsAndObjectsSurviveARestartOnTheSameDirectory(@TempDir Path dir) {
        String name = EddyStack.uniqueName("restart");
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("x"), "sk", AttributeValue.fromS("y"));

        // given
        try (Standins first = Standins.start(Standins.Options.fileBacked(dir))) {
            EddyStack stack = EddyStack.on(first, name, name);
            try (DynamoDbClient dynamo = stack.dynamo();
                    S3Client s3 = stack.s3()) {
                dynamo.createTable(b -> b.tableName(name)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(stringAttribute("pk"), stringAttribute("sk"))
                        .keySchema(
                                KeySchemaElement.builder()
                                        .attributeName("pk")
                                        .keyType(KeyType.HASH)
                                        .build(),
                                KeySchemaElement.builder()
                                        .attributeName("sk")
                                        .keyType(KeyType.RANGE)
                                        .build()));
                dynamo.putItem(b -> b.tableName(name)
                        .item(Map.of("pk", key.get("pk"), "sk", key.get("sk"), "v", AttributeValue.fromS("kept"))));
                s3.createBucket(b -> b.bucket(name));
                s3.putObject(b -> b.bucket(name).key("k"), RequestBody.fromString("kept too"));
            }
        }

        // when
        try (Standins second = Standins.start(Standins.Options.fileBacked(dir))) {
            EddyStack stack = EddyStack.on(second, name, name);
            try (DynamoDbClient dynamo = stack.dynamo();
                    S3Client s3 = stack.s3()) {
                // then
                assertThat(dynamo.getItem(b -> b.tableName(name).key(key).consistentRead(true))
                                .item()
                                .get("v")
                                .s())
                        .isEqualTo("kept");
                assertThat(s3.getObjectAsBytes(b -> b.bucket(name).key("k")).asUtf8String())
                        .isEqualTo("kept too");
            }
        }
        assertThat(dir.resolve("dynamodb")).isDirectory();
        assertThat(dir.resolve("s3")).isDirectory();
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }
}
