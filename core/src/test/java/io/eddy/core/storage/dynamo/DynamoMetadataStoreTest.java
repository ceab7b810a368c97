package io.eddy.core.storage.dynamo;

import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.MetadataStoreContractTest;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The metadata store contract on DynamoDB (DynamoDB Local over HTTP). */
@ExtendWith(EddyStackExtension.class)
class DynamoMetadataStoreTest extends MetadataStoreContractTest {
    private static CoreInstance instance;

    @BeforeAll
    static void start(EddyStack stack) {
        instance = CoreInstance.on(stack).start().ensureResources();
    }

    @AfterAll
    static void stop() {
        instance.close();
    }

    @Override
    protected MetadataStore store() {
        return instance.metadata();
    }
}
