package io.eddy.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code perf kafka-report}: puts the outputs of one {@code ./eddy perf kafka} run together — Kafka's own
 * ProducerPerformance, ConsumerPerformance and EndToEndLatency against Eddy's Kafka port and against the Kafka broker
 * — prints one table with each process's CPU per record, and the ratios Eddy/Kafka the targets are about;
 * writes it all as one JSON document. Stateless.
 */
final class KafkaReportCommand implements Perf.Command {
    static final String USAGE = """
            usage: perf kafka-report --run SYSTEM-TOOL-SIZE.txt [--run ...] [--note TEXT] --out FILE.json
            """;

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(argv, Set.of("help"));
        if (args.flag("help")) {
            System.out.print(USAGE);
            return 0;
        }
        List<KafkaToolRun> runs = new ArrayList<>();
        int status = 0;
        for (String file : args.all("run")) {
            Path path = Path.of(file);
            Optional<KafkaToolRun> run = KafkaToolRun.read(path, Files.readAllLines(path));
            if (run.isEmpty()) {
                System.err.println("perf kafka-report: no result line in " + file + " (left out)");
                status = 1;
                continue;
            }
            runs.add(run.get());
        }
        List<Map<String, Object>> ratios = ratios(runs);

        System.out.println();
        System.out.println("Kafka's tools against Eddy's Kafka port and against Kafka 4.4.0, same run"
                + " (CPU µs per record over each tool's whole run)");
        System.out.printf(
                Locale.ROOT,
                "%-6s %-8s %6s %12s %8s %8s %8s  %s%n",
                "system",
                "tool",
                "size",
                "records/s",
                "MB/s",
                "p50 ms",
                "p99 ms",
                "CPU µs/record (cores busy)");
        for (KafkaToolRun r : runs) {
            System.out.println(row(r));
        }
        System.out.println();
        for (Map<String, Object> ratio : ratios) {
            System.out.printf(
                    Locale.ROOT,
                    "%-7s %4d B  %-22s Eddy %,12.2f  Kafka %,12.2f  Eddy/Kafka %6.2f  (target %s)%n",
                    ratio.get("tool"),
                    ratio.get("record_size"),
                    ratio.get("figure"),
                    ratio.get("eddy"),
                    ratio.get("kafka"),
                    ratio.get("ratio"),
                    ratio.get("target"));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("note", args.string("note", ""));
        doc.put("runs", runs);
        doc.put("ratios", ratios);
        Path out = Path.of(args.required("out"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        ConsumeCommand.JSON.writeValue(out.toFile(), doc);
        System.out.println("results: " + out);
        return status;
    }

    /**
     * The comparisons, per tool and size both systems ran: records/s (produce, consume: target ≥ 1), the
     * server's CPU per record against the broker's (target ≤ 1), the same with the stand-ins added (what Eddy's
     * storage costs on this machine), and end-to-end p99 (target ≤ 2).
     */
    static List<Map<String, Object>> ratios(List<KafkaToolRun> runs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (KafkaToolRun e : runs) {
            if (!e.system().equals("eddy")) {
                continue;
            }
            Optional<KafkaToolRun> kafka = runs.stream()
                    .filter(k ->
                            k.system().equals("kafka") && k.tool().equals(e.tool()) && k.recordSize() == e.recordSize())
                    .findFirst();
            if (kafka.isEmpty()) {
                continue;
            }
            KafkaToolRun k = kafka.get();
            if (e.tool().equals("latency")) {
                out.add(ratio(e, "p99 ms", e.p99Ms(), k.p99Ms(), "<= 2"));
            } else {
                out.add(ratio(e, "records/s", e.recordsPerSec(), k.recordsPerSec(), ">= 1"));
                out.add(ratio(e, "server µs/record", e.serverMicrosPerRecord(), k.serverMicrosPerRecord(), "<= 1"));
                out.add(ratio(
                        e,
                        "server+standins µs/rec",
                        e.serverMicrosPerRecord() + e.cpuMicrosPerRecord().getOrDefault("standins", Double.NaN),
                        k.serverMicrosPerRecord(),
                        "-"));
            }
        }
        return out;
    }

    private static Map<String, Object> ratio(KafkaToolRun e, String figure, double eddy, double kafka, String target) {
        Map<String, Object> ratio = new LinkedHashMap<>();
        ratio.put("tool", e.tool());
        ratio.put("record_size", e.recordSize());
        ratio.put("figure", figure);
        ratio.put("eddy", eddy);
        ratio.put("kafka", kafka);
        ratio.put("ratio", eddy / kafka);
        ratio.put("target", target);
        return ratio;
    }

    static String row(KafkaToolRun r) {
        StringBuilder cpu = new StringBuilder();
        r.cpuMicrosPerRecord().forEach((name, micros) -> {
            if (!name.equals("machine")) {
                double cores = r.cpuSeconds().get(name) / r.wallSeconds();
                cpu.append(cpu.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%s %.1f (%.2f)", name, micros, cores));
            }
        });
        Double machine = r.cpuSeconds().get("machine");
        if (machine != null) {
            double ours = r.cpuSeconds().entrySet().stream()
                    .filter(e -> !e.getKey().equals("machine") && !e.getKey().equals(CpuSample.JIT))
                    .mapToDouble(Map.Entry::getValue)
                    .sum();
            cpu.append(String.format(
                    Locale.ROOT,
                    "; machine %.2f, others %.2f cores",
                    machine / r.wallSeconds(),
                    Math.max(0, machine - ours) / r.wallSeconds()));
        }
        return String.format(
                Locale.ROOT,
                "%-6s %-8s %4d B %,12.0f %8.2f %8s %8s  %s",
                r.system(),
                r.tool(),
                r.recordSize(),
                r.recordsPerSec(),
                r.mbPerSec(),
                number(r.p50Ms()),
                number(r.p99Ms()),
                cpu);
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
