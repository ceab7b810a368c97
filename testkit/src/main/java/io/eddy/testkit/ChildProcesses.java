package io.eddy.testkit;

import java.util.concurrent.TimeUnit;

/** Ending the JVMs a test or a tool started (stand-ins, servers): one way, so none is left running. */
public final class ChildProcesses {
    private ChildProcesses() {}

    /** SIGTERM, then SIGKILL if it has not exited after 10 s; waits for it to exit. */
    public static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
