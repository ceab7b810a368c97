package io.eddy.kafka.group;

import java.time.Duration;

/** Polls an assertion until it holds or a deadline passes (then its last failure is thrown). Stateless. */
final class Eventually {
    private Eventually() {}

    static void within(Duration timeout, Runnable assertion) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100); // between two checks of an observable condition, not as synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
