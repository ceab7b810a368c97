package io.eddy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** s3proxy, through the SDK's async client over HTTP, does what Eddy's segment store relies on. */
@ExtendWith(EddyStackExtension.class)
class S3StandinTest {
    private final EddyStack stack;

    S3StandinTest(EddyStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    static void createBucket(EddyStack stack) {
        try (S3AsyncClient s3 = stack.s3Async()) {
            s3.createBucket(b -> b.bucket(stack.bucket())).join();
        }
    }

    @Test
    void putWithTheSdksCrc32cChecksumStoresTheExactBytes() {
        try (S3AsyncClient s3 = stack.s3Async()) {
            for (int size : new int[] {0, 17, 64 * 1024, 300_001}) {
                // given
                byte[] bytes = randomBytes(size);
                String key = "sdk-checksum/" + size;

                // when
                s3.putObject(
                                b -> b.bucket(stack.bucket()).key(key).checksumAlgorithm(ChecksumAlgorithm.CRC32_C),
                                AsyncRequestBody.fromBytes(bytes))
                        .join();

                // then: the object is the payload, not the SDK's aws-chunked framing of it
                assertThat(s3.headObject(b -> b.bucket(stack.bucket()).key(key))
                                .join()
                                .contentLength())
                        .as("stored length of %d bytes", size)
                        .isEqualTo(size);
                assertThat(get(s3, key)).as("stored bytes of %d", size).isEqualTo(bytes);
            }
        }
    }

    @Test
    void putWithOurOwnCrc32cValueStoresTheExactBytes() {
        try (S3AsyncClient s3 = stack.s3Async()) {
            byte[] bytes = randomBytes(100_000);

            s3.putObject(
                            b -> b.bucket(stack.bucket()).key("own-checksum").checksumCRC32C(crc32c(bytes)),
                            AsyncRequestBody.fromBytes(bytes))
                    .join();

            assertThat(get(s3, "own-checksum")).isEqualTo(bytes);
        }
    }

    @Test
    void rangedGetReturnsTheInclusiveRange() {
        try (S3AsyncClient s3 = stack.s3Async()) {
            byte[] bytes = randomBytes(10_000);
            s3.putObject(b -> b.bucket(stack.bucket()).key("ranged"), AsyncRequestBody.fromBytes(bytes))
                    .join();

            byte[] range = s3.getObject(
                            b -> b.bucket(stack.bucket()).key("ranged").range("bytes=1000-1999"),
                            AsyncResponseTransformer.toBytes())
                    .join()
                    .asByteArray();

            assertThat(range).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));
        }
    }

    @Test
    void conditionalPutIfNoneMatchFailsWhenTheKeyExists() {
        try (S3AsyncClient s3 = stack.s3Async()) {
            s3.putObject(
                            b -> b.bucket(stack.bucket()).key("once").ifNoneMatch("*"),
                            AsyncRequestBody.fromString("first"))
                    .join();

            Throwable second = catchThrowable(() -> s3.putObject(
                            b -> b.bucket(stack.bucket()).key("once").ifNoneMatch("*"),
                            AsyncRequestBody.fromString("second"))
                    .join());

            assertThat(second)
                    .cause()
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
            assertThat(get(s3, "once")).asString().isEqualTo("first");
        }
    }

    @Test
    void extraBucketsWork() {
        String replica = stack.newBucketName();
        try (S3AsyncClient s3 = stack.s3Async()) {
            s3.createBucket(b -> b.bucket(replica)).join();
            s3.putObject(b -> b.bucket(replica).key("k"), AsyncRequestBody.fromString("v"))
                    .join();

            assertThat(s3.getObject(b -> b.bucket(replica).key("k"), AsyncResponseTransformer.toBytes())
                            .join()
                            .asUtf8String())
                    .isEqualTo("v");
        }
    }

    private byte[] get(S3AsyncClient s3, String key) {
        return s3.getObject(b -> b.bucket(stack.bucket()).key(key), AsyncResponseTransformer.toBytes())
                .join()
                .asByteArray();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return Base64.getEncoder()
                .encodeToString(
                        ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
