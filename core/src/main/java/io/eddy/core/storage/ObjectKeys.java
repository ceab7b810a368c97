package io.eddy.core.storage;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Builds every S3 object key Eddy writes, in one place. Segment keys spread over 256 prefixes (S3 throughput
 * is per prefix) and end in a ULID, so keys sort by creation time within a prefix. Thread-safe.
 *
 * <p>A process restored from a snapshot (Lambda SnapStart, CRaC) carries the random generator's state of the
 * moment the snapshot was taken: every copy would draw the same ULIDs. Such a process calls {@link #reseed()}
 * after restore, which replaces the generator with a freshly seeded one.
 */
public final class ObjectKeys {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private final Clock clock;
    private final Supplier<? extends SecureRandom> randoms;
    private volatile SecureRandom random;

    public ObjectKeys(Clock clock) {
        this(clock, new SecureRandom(), SecureRandom::new);
    }

    /** With the first generator and the source {@link #reseed()} draws from (tests simulate a snapshot with them). */
    ObjectKeys(Clock clock, SecureRandom first, Supplier<? extends SecureRandom> randoms) {
        this.clock = clock;
        this.random = first;
        this.randoms = randoms;
    }

    /**
     * Replaces the random generator with a new one, seeded afresh by the platform. Call it after the process was
     * restored from a snapshot, before the next key is made.
     */
    public void reseed() {
        random = randoms.get();
    }

    /** A new, unique key for a multi-partition segment object: {@code segments/<2 hex>/<ulid>.seg}. */
    public String newSegmentKey() {
        String ulid = ulid();
        int hash = ulid.hashCode() & 0xff;
        return String.format("segments/%02x/%s.seg", hash, ulid);
    }

    /**
     * A new key for a per-partition object written by compaction:
     * {@code partitions/<topic id>/<partition>/<base offset, 20 digits>-<ulid>.seg}.
     */
    public String newPartitionKey(java.util.UUID topicId, int partition, long baseOffset) {
        return String.format("partitions/%s/%d/%020d-%s.seg", topicId, partition, baseOffset, ulid());
    }

    /** A ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32 (26 characters). */
    String ulid() {
        long time = clock.millis();
        byte[] rnd = new byte[10];
        random.nextBytes(rnd); // SecureRandom is thread-safe; the volatile read picks up a reseed
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits -> 16 characters of 5 bits
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (rnd[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (rnd[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = CROCKFORD[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = CROCKFORD[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }
}
