package io.eddy.core.storage;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.IndexEntry;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Faults at the {@link SegmentStore} boundary and what {@link ReplicatedSegments} makes of them: a bucket that
 * errors (503), has no copy (404) or holds a corrupt copy is passed over for the next; when every bucket fails, the
 * read fails as the last bucket did.
 */
class ReplicatedSegmentsTest {
    private static final String KEY = "segments/obj";
    private static final byte[] OBJECT = "0123456789abcdefghij".getBytes();
    private static final int POSITION = 5;
    private static final int LENGTH = 10;

    private final FaultyStore store = new FaultyStore();
    private final List<String> fellBack = new ArrayList<>();
    private final List<String> stored = new ArrayList<>();
    private final ReplicatedSegments replicas = new ReplicatedSegments(store, new ReplicatedSegments.Listener() {
        @Override
        public void stored(String bucket) {
            stored.add(bucket);
        }

        @Override
        public void fellBack(String bucket, Throwable cause) {
            fellBack.add(bucket);
        }
    });

    private static IndexEntry entry(String... buckets) {
        CRC32C crc = new CRC32C();
        crc.update(OBJECT, POSITION, LENGTH);
        return new IndexEntry(0, 9, KEY, POSITION, LENGTH, 1, (int) crc.getValue(), List.of(buckets));
    }

    private static byte[] chunk() {
        return Arrays.copyOfRange(OBJECT, POSITION, POSITION + LENGTH);
    }

    @Test
    void aFailingFirstBucketIsPassedOverForTheSecond() {
        store.holds("a", "b");
        store.failing("a", unavailable("a"));

        assertThat(await(replicas.readChunk(entry("a", "b")))).isEqualTo(chunk());
        assertThat(fellBack).containsExactly("a");
    }

    @Test
    void aMissingCopyIsPassedOverForTheNext() {
        store.holds("b");

        assertThat(await(replicas.readChunk(entry("a", "b")))).isEqualTo(chunk());
        assertThat(fellBack).containsExactly("a");
    }

    @Test
    void aCopyFailingItsCrcIsPassedOverForTheNext() {
        store.holds("a", "b");
        store.corrupt("a");

        assertThat(await(replicas.readChunk(entry("a", "b")))).isEqualTo(chunk());
        assertThat(fellBack).containsExactly("a");
    }

    @Test
    void whenEveryBucketFailsTheReadFailsAsTheLastDid() {
        store.holds("a", "b");
        store.failing("a", unavailable("a"));
        store.corrupt("b");

        assertThatThrownBy(() -> await(replicas.readChunk(entry("a", "b"))))
                .isInstanceOf(CorruptSegmentException.class)
                .hasMessageContaining("checksum");
        store.failing("b", unavailable("b"));
        assertThatThrownBy(() -> await(replicas.readChunk(entry("a", "b"))))
                .isInstanceOf(EddyException.class)
                .hasMessageContaining("bucket b");
    }

    @Test
    void theFirstBucketThatServesIsTheOnlyOneRead() {
        store.holds("a", "b");

        assertThat(await(replicas.readChunk(entry("a", "b")))).isEqualTo(chunk());
        assertThat(store.reads).containsExactly("a");
        assertThat(fellBack).isEmpty();
    }

    @Test
    void aReadFromNoBucketFails() {
        assertThatThrownBy(() -> await(replicas.readChunk(entry("a"), List.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(KEY);
    }

    @Test
    void blockReadsFailOverUncheckedAndUpToTheEnd() {
        store.holds("b");
        store.corrupt("b"); // a block is not checked: only whole chunks are

        byte[] block = await(replicas.readUpTo(List.of("a", "b"), KEY, 15, 100));

        assertThat(block).hasSize(OBJECT.length - 15);
        assertThat(fellBack).containsExactly("a");
    }

    @Test
    void intactTellsAGoodCopyFromAMissingOrCorruptOne() {
        store.holds("a", "c");
        store.corrupt("c");

        assertThat(await(replicas.intact("a", entry("a")))).isTrue();
        assertThat(await(replicas.intact("b", entry("a")))).isFalse();
        assertThat(await(replicas.intact("c", entry("a")))).isFalse();
    }

    @Test
    void putAllWritesEveryBucketAndFailsWhenOneDoes() {
        assertThat(await(replicas.putAll(List.of("a", "b"), KEY, OBJECT))).containsExactly("a", "b");
        assertThat(store.objects.keySet()).containsExactlyInAnyOrder("a", "b");

        store.failing("b", unavailable("b"));
        assertThatThrownBy(() -> await(replicas.putAll(List.of("a", "b"), "other", OBJECT)))
                .isInstanceOf(EddyException.class)
                .hasMessageContaining("bucket b");
    }

    @Test
    void putAllCanWaitForEveryPutAndReportEachFailure() {
        store.failing("a", unavailable("a"));
        store.failing("c", unavailable("c"));

        assertThatThrownBy(() -> await(
                        replicas.putAll(List.of("a", "b", "c"), KEY, OBJECT, ReplicatedSegments.OnFailure.COLLECT)))
                .satisfies(t -> assertThat(t.toString() + t.getCause())
                        .contains("bucket a")
                        .contains("bucket c"));
        assertThat(store.objects.get("b")).containsKey(KEY);
    }

    @Test
    void putFirstMovesOnPastARetryableFailureOnly() {
        store.failing("a", unavailable("a"));

        assertThat(await(replicas.putFirst(List.of("a", "b"), KEY, OBJECT))).isEqualTo("b");
        assertThat(stored).containsExactly("b");
        assertThat(fellBack).containsExactly("a");

        store.failing("a", new EddyException(ErrorCode.FORBIDDEN, "bucket a refuses"));
        assertThatThrownBy(() -> await(replicas.putFirst(List.of("a", "b"), "other", OBJECT)))
                .isInstanceOf(EddyException.class)
                .hasMessageContaining("bucket a refuses");
        assertThat(store.objects.get("b")).doesNotContainKey("other");
    }

    @Test
    void putFirstFailsAsTheLastBucketDid() {
        store.failing("a", unavailable("a"));
        store.failing("b", unavailable("b"));

        assertThatThrownBy(() -> await(replicas.putFirst(List.of("a", "b"), KEY, OBJECT)))
                .isInstanceOf(EddyException.class)
                .hasMessageContaining("bucket b");
    }

    private static EddyException unavailable(String bucket) {
        return new EddyException(ErrorCode.STORAGE_UNAVAILABLE, "injected 503 from bucket " + bucket);
    }

    /** Buckets in memory, each able to fail every call or to hold a corrupt copy. */
    private static final class FaultyStore implements SegmentStore {
        final Map<String, Map<String, byte[]>> objects = new ConcurrentHashMap<>();
        final Map<String, EddyException> failures = new HashMap<>();
        final List<String> reads = new ArrayList<>();

        void holds(String... buckets) {
            for (String b : buckets) {
                objects.computeIfAbsent(b, x -> new ConcurrentHashMap<>()).put(KEY, OBJECT.clone());
            }
        }

        void corrupt(String bucket) {
            objects.get(bucket).get(KEY)[POSITION] ^= 1;
        }

        void failing(String bucket, EddyException failure) {
            failures.put(bucket, failure);
        }

        private <T> Uni<T> call(String bucket, java.util.function.Supplier<T> body) {
            return Uni.createFrom().deferred(() -> {
                EddyException failure = failures.get(bucket);
                return failure != null
                        ? Uni.createFrom().failure(failure)
                        : Uni.createFrom().item(body);
            });
        }

        private byte[] object(String bucket, String key) {
            byte[] o = objects.getOrDefault(bucket, Map.of()).get(key);
            if (o == null) {
                throw new EddyException(ErrorCode.NOT_FOUND, "no object " + key + " in bucket " + bucket);
            }
            return o;
        }

        @Override
        public Uni<Void> put(String bucket, String key, byte[] bytes) {
            return call(bucket, () -> {
                objects.computeIfAbsent(bucket, x -> new ConcurrentHashMap<>()).put(key, bytes.clone());
                return null;
            });
        }

        @Override
        public Uni<byte[]> get(String bucket, String key) {
            return call(bucket, () -> object(bucket, key).clone());
        }

        @Override
        public Uni<byte[]> read(String bucket, String key, long position, int length) {
            return call(bucket, () -> {
                reads.add(bucket);
                return Arrays.copyOfRange(object(bucket, key), (int) position, (int) position + length);
            });
        }

        @Override
        public Uni<byte[]> readUpTo(String bucket, String key, long position, int maxLength) {
            return call(bucket, () -> {
                byte[] o = object(bucket, key);
                return Arrays.copyOfRange(o, (int) position, (int) Math.min(o.length, position + maxLength));
            });
        }

        @Override
        public Uni<List<StoredObject>> list(String bucket, String prefix) {
            return Uni.createFrom().item(List.of());
        }

        @Override
        public Uni<Void> delete(String bucket, List<String> keys) {
            return Uni.createFrom().voidItem();
        }
    }
}
