package io.eddy.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.storage.SegmentStoreContractTest;
import io.eddy.core.support.RetryPolicy;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.ChecksumMode;

/** The segment store contract on S3 (the S3 stand-in over HTTP). */
@ExtendWith(EddyStackExtension.class)
class S3SegmentStoreTest extends SegmentStoreContractTest {
    private static CoreInstance instance;
    private static S3SegmentStore store;

    @BeforeAll
    static void start(EddyStack stack) {
        instance = CoreInstance.on(stack).start().ensureResources();
        // failures in these tests are not transient: one attempt, so they fail fast
        store = new S3SegmentStore(instance.s3(), new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), 0.5));
    }

    @AfterAll
    static void stop() {
        instance.close();
    }

    @Override
    protected SegmentStore store() {
        return store;
    }

    @Override
    protected String bucket() {
        return instance.bucket();
    }

    @Test
    void putCarriesTheObjectsCrc32c() {
        byte[] object = "a segment".getBytes();
        String key = "segments/zz/" + UUID.randomUUID() + ".seg";

        CoreInstance.await(store.put(instance.bucket(), key, object));

        CRC32C crc = new CRC32C();
        crc.update(object);
        assertThat(S3SegmentStore.crc32c(object))
                .isEqualTo(java.util.Base64.getEncoder()
                        .encodeToString(java.nio.ByteBuffer.allocate(4)
                                .putInt((int) crc.getValue())
                                .array()));
        String stored = instance.s3()
                .headObject(b -> b.bucket(instance.bucket()).key(key).checksumMode(ChecksumMode.ENABLED))
                .join()
                .checksumCRC32C();
        if (stored != null) { // stand-ins may not keep checksums; S3 does
            assertThat(stored).isEqualTo(S3SegmentStore.crc32c(object));
        }
    }
}
