package io.eddy.kafka.security;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** librdkafka's kcat run as a process, with a timeout; a test that needs it fails when it is missing. */
final class Kcat {
    private static final Path KCAT = Path.of("/usr/bin/kcat");
    private static final long TIMEOUT_SECONDS = 60;

    private Kcat() {}

    /** What kcat printed (stdout and stderr) and how it exited. */
    record Run(int exitCode, String output) {}

    static Run run(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(KCAT)) {
            fail("kcat is not installed at " + KCAT + ": install the Debian package kcat (CI's .ci/run does)");
        }
        List<String> command = new ArrayList<>(List.of(KCAT.toString()));
        command.addAll(List.of(args));
        File log = File.createTempFile("kcat", ".log");
        log.deleteOnExit();
        Process kcat = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!kcat.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            kcat.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("kcat did not finish within %d s; its output:%n%s", TIMEOUT_SECONDS, Files.readString(log.toPath()));
        }
        return new Run(kcat.exitValue(), Files.readString(log.toPath()));
    }

    /** kcat's options for SASL/PLAIN as {@code user} over {@code protocol}. */
    static List<String> plain(String protocol, String user, String password) {
        return List.of(
                "-X", "security.protocol=" + protocol,
                "-X", "sasl.mechanisms=PLAIN",
                "-X", "sasl.username=" + user,
                "-X", "sasl.password=" + password);
    }
}
