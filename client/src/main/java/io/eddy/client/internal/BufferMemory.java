package io.eddy.client.internal;

import io.eddy.client.EddyClientException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.function.LongSupplier;

/**
 * The producer's bounded send buffer ({@code buffer.memory}): records hold room from the moment they are appended
 * until their batch is answered or failed, and an append waits up to {@code max.block.ms} for room.
 *
 * <p>Not thread-safe on its own: it waits on a condition of the lock it is given, and every method must be called
 * holding that lock.
 */
final class BufferMemory {
    private final long capacity;
    private final Condition space;
    private final LongSupplier nanoClock;
    private long used;

    BufferMemory(long capacity, Lock lock, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.space = lock.newCondition();
        this.nanoClock = nanoClock;
    }

    /** Refuses a record that could never fit, whatever is freed. Needs no lock. */
    void checkFits(int size) {
        if (size > capacity) {
            throw new EddyClientException(
                    "record_too_large",
                    0,
                    false,
                    "a record of " + size + " bytes is larger than buffer.memory (" + capacity + ")",
                    null,
                    null);
        }
    }

    /**
     * Takes {@code size} bytes of room, waiting up to {@code maxBlock} for it. {@code checkOpen} runs before each
     * wait and once more before the room is taken, so a producer closed or failed meanwhile refuses the append.
     *
     * @throws EddyClientException {@code timeout} when the buffer stayed full for {@code maxBlock}
     */
    void reserve(int size, Duration maxBlock, Runnable checkOpen) throws InterruptedException {
        long deadline = nanoClock.getAsLong() + maxBlock.toNanos();
        while (used + size > capacity) {
            checkOpen.run();
            long left = deadline - nanoClock.getAsLong();
            if (left <= 0) {
                throw new EddyClientException(
                        EddyClientException.TIMEOUT,
                        0,
                        true,
                        "the send buffer (buffer.memory " + capacity + " bytes) stayed full for max.block.ms",
                        null,
                        null);
            }
            space.awaitNanos(left);
        }
        checkOpen.run();
        used += size;
    }

    /** Gives back room; call {@link #wakeWaiters()} once the caller is done freeing. */
    void release(long size) {
        used -= size;
    }

    /** Wakes appends waiting for room, to look again (at the room, or at a closed producer). */
    void wakeWaiters() {
        space.signalAll();
    }

    long used() {
        return used;
    }
}
