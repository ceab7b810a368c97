package io.eddy.kafka.admin;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Exit;

/**
 * Runs one of Kafka's command-line tools in this JVM, unchanged, through its {@code main}: what it prints to
 * standard output and the status it exits with. The tool's {@code Exit} is recorded instead of ending the JVM (the
 * first status it exits with: {@code TopicCommand} exits from its command, then again from {@code main}), and
 * standard output is captured for the run only; both are put back afterwards. Runs are serialized (both are
 * process-wide).
 */
final class KafkaTool {
    /** What a run printed and the status it exited with (0 when it returned without calling exit). */
    record Run(int status, String out) {}

    private static final Object ONE_AT_A_TIME = new Object();

    private KafkaTool() {}

    static Run run(Consumer<String[]> main, String... args) {
        synchronized (ONE_AT_A_TIME) {
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream original = System.out;
            List<Integer> statuses = new ArrayList<>();
            Exit.setExitProcedure((code, message) -> statuses.add(code));
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                main.accept(args);
            } finally {
                System.setOut(original);
                Exit.resetExitProcedure();
            }
            return new Run(statuses.isEmpty() ? 0 : statuses.get(0), captured.toString(StandardCharsets.UTF_8));
        }
    }
}
