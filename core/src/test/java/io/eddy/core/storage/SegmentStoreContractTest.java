package io.eddy.core.storage;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The {@link SegmentStore} port's contract, run against every implementation by a subclass. */
public abstract class SegmentStoreContractTest {

    protected abstract SegmentStore store();

    /** A bucket that exists and that the store may write. */
    protected abstract String bucket();

    @Test
    void writtenObjectReadsBackByRange() {
        byte[] object = randomBytes(100_000);
        String key = key();

        await(store().put(bucket(), key, object));

        assertThat(await(store().read(bucket(), key, 0, object.length))).isEqualTo(object);
        assertThat(await(store().read(bucket(), key, 0, 1))).containsExactly(object[0]);
        assertThat(await(store().read(bucket(), key, object.length - 1, 1))).containsExactly(object[object.length - 1]);
        assertThat(await(store().read(bucket(), key, 12_345, 4_321)))
                .isEqualTo(Arrays.copyOfRange(object, 12_345, 12_345 + 4_321));
    }

    @Test
    void objectsAreKeptApart() {
        String a = key();
        String b = key();
        await(store().put(bucket(), a, new byte[] {1, 1, 1}));
        await(store().put(bucket(), b, new byte[] {2, 2, 2}));

        assertThat(await(store().read(bucket(), a, 0, 3))).containsExactly(1, 1, 1);
        assertThat(await(store().read(bucket(), b, 0, 3))).containsExactly(2, 2, 2);
    }

    @Test
    void readOfAMissingObjectIsAnEddyError() {
        assertThatThrownBy(() -> await(store().read(bucket(), key(), 0, 10))).isInstanceOf(EddyException.class);
    }

    @Test
    void readPastTheEndOfAnObjectIsAnEddyError() {
        String key = key();
        await(store().put(bucket(), key, new byte[100]));

        assertThatThrownBy(() -> await(store().read(bucket(), key, 90, 20))).isInstanceOf(EddyException.class);
    }

    @Test
    void readUpToPastTheEndReturnsWhatTheObjectHas() {
        byte[] object = randomBytes(100);
        String key = key();
        await(store().put(bucket(), key, object));

        assertThat(await(store().readUpTo(bucket(), key, 90, 20))).isEqualTo(Arrays.copyOfRange(object, 90, 100));
        assertThat(await(store().readUpTo(bucket(), key, 0, 4 << 20))).isEqualTo(object);
        assertThat(await(store().readUpTo(bucket(), key, 10, 5))).isEqualTo(Arrays.copyOfRange(object, 10, 15));
    }

    @Test
    void writeToAMissingBucketIsAnEddyError() {
        assertThatThrownBy(() -> await(store().put(
                                "no-such-bucket-" + UUID.randomUUID().toString().substring(0, 8), key(), new byte[] {1
                                })))
                .isInstanceOf(EddyException.class);
    }

    private static String key() {
        return "segments/zz/" + UUID.randomUUID() + ".seg";
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
