package io.eddy.core.produce;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses a partition for a record: explicit partition, else murmur2 of the key exactly as Kafka's default
 * partitioner ({@code toPositive(murmur2(key)) % partitions}, so a key lands where Kafka would put it), else
 * sticky round-robin: all keyless records of one request go to one partition, the next request to the next.
 * Thread-safe.
 */
public final class Partitioner {
    private final AtomicInteger sticky = new AtomicInteger();

    public static int forKey(byte[] key, int partitions) {
        return (murmur2(key) & 0x7fffffff) % partitions;
    }

    /** A partition for the keyless records of one request. */
    public int nextSticky(int partitions) {
        return (sticky.getAndIncrement() & 0x7fffffff) % partitions;
    }

    /** The 32-bit murmur2 hash Kafka uses for keys (seed 0x9747b28c). */
    public static int murmur2(byte[] data) {
        int length = data.length;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = 0x9747b28c ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff)
                    + ((data[i4 + 1] & 0xff) << 8)
                    + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = length4 * 4;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
            // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
            // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
