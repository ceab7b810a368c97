package io.eddy.core.storage.s3;

import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.storage.SdkCalls;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.support.RetryPolicy;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link SegmentStore} on S3 (or any S3-compatible store). Every PUT carries the object's CRC32C, computed
 * here, which the store verifies. Thread-safe.
 */
public final class S3SegmentStore implements SegmentStore {
    /** DeleteObjects takes at most 1,000 keys. */
    private static final int DELETE_LIMIT = 1000;

    private final S3AsyncClient s3;
    private final RetryPolicy retry;

    public S3SegmentStore(S3AsyncClient s3, RetryPolicy retry) {
        this.s3 = s3;
        this.retry = retry;
    }

    @Override
    public Uni<Void> put(String bucket, String key, byte[] bytes) {
        String checksum = crc32c(bytes);
        // unsafe = no defensive copy: an encoded segment is never changed after it is built, and a flush PUTs it
        // once per replica bucket
        return retry.apply(SdkCalls.call(
                        () -> s3.putObject(
                                b -> b.bucket(bucket)
                                        .key(key)
                                        .checksumCRC32C(checksum)
                                        .contentLength((long) bytes.length)
                                        .contentType("application/vnd.eddy.segment"),
                                AsyncRequestBody.fromBytesUnsafe(bytes)),
                        t -> translate(t, bucket, key)))
                .replaceWithVoid();
    }

    @Override
    public Uni<byte[]> get(String bucket, String key) {
        return retry.apply(SdkCalls.call(
                        () -> s3.getObject(b -> b.bucket(bucket).key(key), AsyncResponseTransformer.toBytes()),
                        t -> translate(t, bucket, key)))
                .map(r -> r.asByteArrayUnsafe());
    }

    @Override
    public Uni<byte[]> read(String bucket, String key, long position, int length) {
        String range = "bytes=" + position + "-" + (position + length - 1);
        return retry.apply(SdkCalls.call(
                        () -> s3.getObject(
                                b -> b.bucket(bucket).key(key).range(range), AsyncResponseTransformer.toBytes()),
                        t -> translate(t, bucket, key)))
                .map(r -> {
                    byte[] out = r.asByteArrayUnsafe();
                    if (out.length != length) {
                        // the index points past the object's end: retrying cannot help
                        throw new CorruptSegmentException(
                                "short read of " + key + ": " + out.length + " of " + length + " bytes");
                    }
                    return out;
                });
    }

    @Override
    public Uni<byte[]> readUpTo(String bucket, String key, long position, int maxLength) {
        if (position < 0 || maxLength < 1) {
            throw new IllegalArgumentException("bad range " + position + "+" + maxLength);
        }
        String range = "bytes=" + position + "-" + (position + maxLength - 1);
        return retry.apply(SdkCalls.call(
                        () -> s3.getObject(
                                b -> b.bucket(bucket).key(key).range(range), AsyncResponseTransformer.toBytes()),
                        t -> translate(t, bucket, key)))
                .map(r -> r.asByteArrayUnsafe());
    }

    @Override
    public Uni<List<StoredObject>> list(String bucket, String prefix) {
        return listFrom(bucket, prefix, null, new ArrayList<>());
    }

    private Uni<List<StoredObject>> listFrom(String bucket, String prefix, String token, List<StoredObject> acc) {
        return retry.apply(SdkCalls.call(
                        () -> s3.listObjectsV2(
                                b -> b.bucket(bucket).prefix(prefix).continuationToken(token)),
                        t -> translate(t, bucket, prefix)))
                .flatMap(r -> {
                    r.contents()
                            .forEach(o -> acc.add(new StoredObject(
                                    o.key(), o.size(), o.lastModified().toEpochMilli())));
                    if (Boolean.TRUE.equals(r.isTruncated()) && r.nextContinuationToken() != null) {
                        return listFrom(bucket, prefix, r.nextContinuationToken(), acc);
                    }
                    return Uni.createFrom().item(acc);
                });
    }

    @Override
    public Uni<Void> delete(String bucket, List<String> keys) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < keys.size(); i += DELETE_LIMIT) {
            List<ObjectIdentifier> ids = keys.subList(i, Math.min(keys.size(), i + DELETE_LIMIT)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build())
                    .toList();
            chain = chain.flatMap(ignored -> retry.apply(SdkCalls.call(
                            () -> s3.deleteObjects(b ->
                                    b.bucket(bucket).delete(d -> d.objects(ids).quiet(true))),
                            t -> translate(t, bucket, ids.get(0).key())))
                    .invoke(r -> {
                        if (r.hasErrors() && !r.errors().isEmpty()) {
                            throw new EddyException(
                                    ErrorCode.STORAGE_UNAVAILABLE,
                                    "S3 did not delete " + r.errors().size() + " objects of s3://" + bucket + ": "
                                            + r.errors().get(0).message());
                        }
                    })
                    .replaceWithVoid());
        }
        return chain;
    }

    static String crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int v = (int) crc.getValue();
        return Base64.getEncoder()
                .encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    private static Throwable translate(Throwable t, String bucket, String key) {
        if (t instanceof EddyException) {
            return t;
        }
        if (t instanceof NoSuchKeyException || t instanceof NoSuchBucketException) {
            return new EddyException(ErrorCode.INTERNAL_ERROR, "object s3://" + bucket + "/" + key + " is missing", t);
        }
        if (t instanceof S3Exception e && (e.statusCode() >= 500 || e.isThrottlingException())) {
            return new EddyException(
                    ErrorCode.STORAGE_UNAVAILABLE, "S3 is unavailable: " + e.getMessage(), Map.of(), t);
        }
        if (t instanceof SdkClientException) {
            return new EddyException(ErrorCode.STORAGE_UNAVAILABLE, "S3 could not be reached: " + t.getMessage(), t);
        }
        return new EddyException(ErrorCode.INTERNAL_ERROR, "S3 call failed: " + t.getMessage(), t);
    }
}
