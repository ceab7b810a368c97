package io.eddy.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./eddy chaos}: runs the chosen scenarios for a chosen time each against a stack it starts, prints the fault
 * matrix and writes it as JSON. Exit code 0 when no scenario broke a guarantee, 1 when one did, 2 on bad arguments.
 */
public final class ChaosMain {
    private ChaosMain() {}

    /** Held so the levels stick (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger CLIENT_LOG = java.util.logging.Logger.getLogger("io.eddy.client");

    private static final java.util.logging.Logger CHAOS_LOG = java.util.logging.Logger.getLogger("io.eddy.chaos");

    public static void main(String[] args) throws Exception {
        // the client narrates every refused commit and rejoin, which are the point here; keep its errors only
        CLIENT_LOG.setLevel(java.util.logging.Level.SEVERE);
        if (Boolean.getBoolean("eddy.chaos.verbose")) {
            CHAOS_LOG.setLevel(java.util.logging.Level.FINE);
            java.util.logging.Logger.getLogger("").getHandlers()[0].setLevel(java.util.logging.Level.FINE);
        }
        Duration duration = Duration.ofMinutes(2);
        List<Scenario> scenarios = Arrays.asList(Scenario.values());
        long seed = System.currentTimeMillis();
        int rate = 50;
        Path out = Path.of("chaos", "target", "chaos");
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--duration" -> duration = duration(require(a, value));
                    case "--scenarios" ->
                        scenarios = Arrays.stream(require(a, value).split(","))
                                .map(Scenario::byLabel)
                                .toList();
                    case "--seed" -> seed = Long.parseLong(require(a, value));
                    case "--rate" -> rate = Integer.parseInt(require(a, value));
                    case "--out-dir" -> out = Path.of(require(a, value));
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
                i++;
            }
            if (rate < 1) {
                throw new IllegalArgumentException("--rate must be ≥ 1");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("eddy chaos: " + e.getMessage());
            System.exit(2);
        }
        Files.createDirectories(out);
        List<ChaosRunner.Result> results = new ArrayList<>();
        System.err.printf(
                "eddy chaos: %s per scenario, seed %d, %d records/s per producer; logs in %s%n",
                duration, seed, rate, out.toAbsolutePath());
        try (ChaosRunner runner = ChaosRunner.start(out.resolve("logs"))) {
            for (int i = 0; i < scenarios.size(); i++) {
                Scenario s = scenarios.get(i);
                System.err.printf("eddy chaos: running %s…%n", s.label());
                ChaosRunner.Result r = runner.run(s, duration, rate, seed + i);
                results.add(r);
                System.err.printf(
                        "eddy chaos: %s: %d sends, %d acked, %d violations %s%s%n",
                        s.label(),
                        r.verdict().sends(),
                        r.verdict().acked(),
                        r.verdict().violations(),
                        r.verdict().nonZero(),
                        r.sendFailures().isEmpty() ? "" : "; failed sends: " + r.sendFailures());
                write(out, results, duration, seed, rate);
            }
        }
        System.out.print(FaultMatrix.table(results));
        System.exit(results.stream().anyMatch(r -> r.verdict().violations() > 0) ? 1 : 0);
    }

    private static void write(Path out, List<ChaosRunner.Result> results, Duration duration, long seed, int rate)
            throws IOException {
        String note = "duration " + duration + " per scenario, seed " + seed + ", " + rate + " records/s per producer, "
                + Runtime.getRuntime().availableProcessors() + " cores";
        Files.writeString(out.resolve("chaos.json"), FaultMatrix.json(results, note), StandardCharsets.UTF_8);
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /** {@code 90s}, {@code 2m}, {@code 1h}. */
    static Duration duration(String text) {
        if (!text.matches("\\d+[smh]")) {
            throw new IllegalArgumentException(
                    "a duration is a whole number and s, m or h, such as 2m, not '" + text + "'");
        }
        long n = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
