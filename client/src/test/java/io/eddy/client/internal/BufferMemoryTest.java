package io.eddy.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.client.EddyClientException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class BufferMemoryTest {
    private static final Runnable OPEN = () -> {};

    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong clock = new AtomicLong();

    private BufferMemory buffer(long capacity) {
        return new BufferMemory(capacity, lock, clock::get);
    }

    private static String code(Throwable e) {
        return ((EddyClientException) e).code();
    }

    @Test
    void aRecordLargerThanTheWholeBufferIsRefusedAtOnce() {
        assertThatThrownBy(() -> buffer(100).checkFits(101))
                .extracting(BufferMemoryTest::code)
                .isEqualTo("record_too_large");
    }

    @Test
    void roomIsTakenAndGivenBack() throws InterruptedException {
        BufferMemory buffer = buffer(100);
        lock.lock();
        try {
            buffer.reserve(60, Duration.ZERO, OPEN);
            buffer.reserve(40, Duration.ZERO, OPEN);
            assertThat(buffer.used()).isEqualTo(100);
            buffer.release(60);
            assertThat(buffer.used()).isEqualTo(40);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aFullBufferTimesOutAfterMaxBlock() throws InterruptedException {
        BufferMemory buffer = new BufferMemory(100, lock, () -> clock.getAndAdd(TimeUnit.SECONDS.toNanos(60)));
        lock.lock();
        try {
            buffer.reserve(100, Duration.ZERO, OPEN);
            // every look at the clock finds a minute gone: the first check after the deadline gives up
            assertThatThrownBy(() -> buffer.reserve(1, Duration.ofSeconds(60), OPEN))
                    .extracting(BufferMemoryTest::code)
                    .isEqualTo(EddyClientException.TIMEOUT);
            assertThat(buffer.used()).isEqualTo(100);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aProducerClosedWhileWaitingRefusesTheAppend() throws InterruptedException {
        BufferMemory buffer = buffer(100);
        Runnable closed = () -> {
            throw EddyClientException.client(EddyClientException.CLOSED, "closed", null);
        };
        lock.lock();
        try {
            buffer.reserve(100, Duration.ZERO, OPEN);
            assertThatThrownBy(() -> buffer.reserve(1, Duration.ofSeconds(60), closed))
                    .extracting(BufferMemoryTest::code)
                    .isEqualTo(EddyClientException.CLOSED);
            buffer.release(100);
            // even with room, a closed producer takes none
            assertThatThrownBy(() -> buffer.reserve(1, Duration.ofSeconds(60), closed))
                    .extracting(BufferMemoryTest::code)
                    .isEqualTo(EddyClientException.CLOSED);
            assertThat(buffer.used()).isZero();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aWaitingAppendGetsRoomOnceItIsReleased() throws Exception {
        BufferMemory buffer = new BufferMemory(100, lock, System::nanoTime);
        lock.lock();
        try {
            buffer.reserve(100, Duration.ZERO, OPEN);
        } finally {
            lock.unlock();
        }
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        Thread appender = new Thread(() -> {
            lock.lock();
            try {
                waiting.complete(null);
                buffer.reserve(30, Duration.ofMinutes(1), OPEN);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        appender.start();
        waiting.join();
        lock.lock(); // taken only once the appender waits (and so gave the lock up)
        try {
            buffer.release(50);
            buffer.wakeWaiters();
        } finally {
            lock.unlock();
        }
        appender.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(appender.isAlive()).isFalse();
        assertThat(buffer.used()).isEqualTo(80);
    }
}
