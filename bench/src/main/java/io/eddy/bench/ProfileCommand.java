package io.eddy.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code perf profile FILE.jfr [--from MS --to MS]}: the hottest code of a JFR recording's CPU samples
 * ({@code jdk.ExecutionSample}), for JDKs whose {@code jfr} tool has no {@code view hot-methods} (17 has not):
 * top-of-stack methods (self time), methods by samples anywhere on the stack (total time, each method counted once
 * per sample), the same for Eddy's methods only, the first Eddy frame of each sample, packages of the top frame, and
 * sampled threads. {@code --from}/{@code --to} (epoch milliseconds) keep the samples taken in that window only: a
 * recording started well before the measured window, so that starting it does not make the JIT compile again
 * inside the window.
 */
final class ProfileCommand implements Perf.Command {

    @Override
    public int run(String[] argv) throws IOException {
        Args args = new Args(argv, Set.of());
        if (args.positional().size() != 1) {
            throw new IllegalArgumentException("usage: perf profile FILE.jfr [--top 15] [--from MS --to MS]");
        }
        int top = args.integer("top", 15);
        long from = Long.parseLong(args.string("from", "0"));
        long to = Long.parseLong(args.string("to", String.valueOf(Long.MAX_VALUE)));
        long outside = 0;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> eddy = new HashMap<>();
        Map<String, Long> eddyTotal = new HashMap<>();
        Map<String, Long> packages = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long samples = 0;
        for (RecordedEvent event :
                RecordingFile.readAllEvents(Path.of(args.positional().get(0)))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            long at = event.getStartTime().toEpochMilli();
            if (at < from || at > to) {
                outside++;
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            String first = name(frames.get(0));
            self.merge(first, 1L, Long::sum);
            packages.merge(packageOf(frames.get(0)), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            String firstEddy = null;
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) {
                    total.merge(n, 1L, Long::sum);
                    if (n.startsWith("io.eddy.")) {
                        eddyTotal.merge(n, 1L, Long::sum);
                    }
                }
                if (firstEddy == null && n.startsWith("io.eddy.")) {
                    firstEddy = n;
                }
            }
            eddy.merge(firstEddy == null ? "(no Eddy frame)" : firstEddy, 1L, Long::sum);
            String thread = event.getThread("sampledThread") == null
                    ? "?"
                    : event.getThread("sampledThread").getJavaName();
            threads.merge(
                    thread == null ? "?" : thread.replaceAll("[-#]?\\d+$", "-N").replaceAll("\\d+", "N"),
                    1L,
                    Long::sum);
        }
        if (samples == 0) {
            System.out.println("no execution samples in " + args.positional().get(0)
                    + (outside == 0 ? "" : " inside the window (" + outside + " outside it)"));
            return 1;
        }
        System.out.printf(
                Locale.ROOT,
                "%,d CPU samples (jdk.ExecutionSample)%s%n",
                samples,
                outside == 0 ? "" : String.format(Locale.ROOT, ", %,d more outside the window left out", outside));
        print("top of stack (self)", self, samples, top);
        print("on the stack (total)", total, samples, top);
        print("Eddy methods on the stack (total)", eddyTotal, samples, top);
        print("first Eddy frame from the top", eddy, samples, top);
        print("package of the top frame", packages, samples, top);
        print("threads", threads, samples, top);
        return 0;
    }

    private static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        return m == null ? "(unknown)" : m.getType().getName() + "." + m.getName();
    }

    private static String packageOf(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null) {
            return "(unknown)";
        }
        String[] parts = m.getType().getName().split("\\.");
        int keep = Math.min(
                parts.length - 1,
                parts[0].equals("io") || parts[0].equals("org") || parts[0].equals("com") || parts[0].equals("software")
                        ? 3
                        : 2);
        return String.join(".", java.util.Arrays.copyOf(parts, Math.max(1, keep)));
    }

    private static void print(String title, Map<String, Long> counts, long samples, int top) {
        System.out.println();
        System.out.println(title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e ->
                        System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
    }
}
