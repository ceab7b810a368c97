package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileWindowTest {
    @TempDir
    Path dir;

    /**
     * A recording of this thread spinning until JFR has sampled it at least a few times (half a second of spinning
     * was not always enough on a busy machine: CI once got a recording with no sample at all).
     */
    private Path recording() throws Exception {
        Path jfr = dir.resolve("spin.jfr");
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long spins = 0;
            do {
                long until = System.nanoTime() + Duration.ofMillis(200).toNanos();
                while (System.nanoTime() < until) {
                    spins += Long.numberOfTrailingZeros(spins + System.nanoTime());
                }
                r.dump(jfr); // what was recorded so far
            } while (samples(jfr) < 3 && System.nanoTime() < deadline);
            r.stop();
            r.dump(jfr);
            assertThat(spins).isNotNegative();
        }
        assertThat(samples(jfr)).isGreaterThanOrEqualTo(3);
        return jfr;
    }

    private static long samples(Path jfr) throws IOException {
        return RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample"))
                .count();
    }

    private static String profile(String... args) throws Exception {
        PrintStream was = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            new ProfileCommand().run(args);
        } finally {
            System.setOut(was);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void samplesOutsideTheWindowAreLeftOut() throws Exception {
        Path jfr = recording();
        assertThat(Files.size(jfr)).isPositive();

        String all = profile(jfr.toString());
        String none = profile(jfr.toString(), "--from", "1", "--to", "2"); // 1970: before every sample

        assertThat(all).contains("CPU samples (jdk.ExecutionSample)").doesNotContain("outside the window");
        assertThat(none).startsWith("no execution samples").contains("outside it");
    }
}
