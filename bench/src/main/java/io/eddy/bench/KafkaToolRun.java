package io.eddy.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of a Kafka tool of {@code ./eddy perf kafka} (ProducerPerformance, ConsumerPerformance or EndToEndLatency)
 * against Eddy's Kafka port or the Kafka broker, read back from its output file {@code SYSTEM-TOOL-SIZE.txt}: the
 * tool's own result line, and the {@code # cpu seconds: ...} line the launcher appends (each process's CPU time over
 * the tool's whole run, warm-up included, and the records the tool sent or received in that time).
 *
 * @param recordsPerSec the tool's rate: ProducerPerformance's steady-state summary (warm-up left out),
 *                      ConsumerPerformance's fetch-time rate (group join left out), EndToEndLatency's round trips
 *                      per second of the whole run
 * @param p50Ms         ProducerPerformance's send-to-callback latency or EndToEndLatency's send-to-receive; NaN for
 *                      ConsumerPerformance
 * @param cpuSeconds    per process ({@code server}, {@code standins}, {@code broker}, {@code tool}, {@code machine}),
 *                      and {@code jit}: the part of the server's or broker's that its JIT compiler threads spent
 * @param cpuMicrosPerRecord the same over {@code records}
 */
record KafkaToolRun(
        String system,
        String tool,
        int recordSize,
        double recordsPerSec,
        double mbPerSec,
        double p50Ms,
        double p99Ms,
        double p999Ms,
        long records,
        double wallSeconds,
        Map<String, Double> cpuSeconds,
        Map<String, Double> cpuMicrosPerRecord) {

    private static final Pattern FILE = Pattern.compile("(eddy|kafka)-(produce|consume|latency)-([0-9]+)\\.txt");
    private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";
    private static final Pattern PERCENTILES =
            Pattern.compile("Percentiles: 50th = ([0-9]+), 99th = ([0-9]+), 99\\.9th = ([0-9]+)");
    private static final Pattern CPU_ITEM = Pattern.compile("([a-z]+) " + NUMBER);

    /** The run a tool's output file holds, or empty (with the reason on standard error) when its result is missing. */
    static Optional<KafkaToolRun> read(Path file, List<String> lines) {
        Matcher name = FILE.matcher(file.getFileName().toString());
        if (!name.matches()) {
            throw new IllegalArgumentException(
                    "a tool's output is named SYSTEM-TOOL-SIZE.txt (eddy|kafka, produce|consume|latency), not " + file);
        }
        return parse(name.group(1), name.group(2), Integer.parseInt(name.group(3)), lines);
    }

    static Optional<KafkaToolRun> parse(String system, String tool, int size, List<String> lines) {
        Map<String, Double> cpu = cpuLine(lines);
        long records = cpu.getOrDefault("records", 0.0).longValue();
        double wall = cpu.getOrDefault("wall", Double.NaN);
        cpu.remove("records");
        cpu.remove("wall");
        Map<String, Double> perRecord = new LinkedHashMap<>();
        if (records > 0) {
            cpu.forEach((k, v) -> perRecord.put(k, v * 1e6 / records));
        }
        return switch (tool) {
            case "produce" ->
                KafkaPerfLine.parse(lines)
                        .map(k -> new KafkaToolRun(
                                system,
                                tool,
                                size,
                                k.recordsPerSec(),
                                k.mbPerSec(),
                                k.p50Ms(),
                                k.p99Ms(),
                                Double.NaN,
                                records,
                                wall,
                                cpu,
                                perRecord));
            case "consume" ->
                KafkaConsumerPerfLine.parse(lines)
                        .map(k -> new KafkaToolRun(
                                system,
                                tool,
                                size,
                                k.fetchRecordsPerSec(),
                                k.fetchMbPerSec(),
                                Double.NaN,
                                Double.NaN,
                                Double.NaN,
                                records,
                                wall,
                                cpu,
                                perRecord));
            case "latency" ->
                lines.stream()
                        .map(PERCENTILES::matcher)
                        .filter(Matcher::find)
                        .reduce((a, b) -> b)
                        .map(m -> new KafkaToolRun(
                                system,
                                tool,
                                size,
                                records / wall,
                                records * (double) size / wall / 1_048_576,
                                Double.parseDouble(m.group(1)),
                                Double.parseDouble(m.group(2)),
                                Double.parseDouble(m.group(3)),
                                records,
                                wall,
                                cpu,
                                perRecord));
            default -> throw new IllegalArgumentException("no such tool: " + tool);
        };
    }

    /** {@code # cpu seconds: records 300000, wall 4.21, machine 7.90, server 3.10, standins 1.02, tool 2.50}. */
    static Map<String, Double> cpuLine(List<String> lines) {
        Map<String, Double> out = new LinkedHashMap<>();
        lines.stream()
                .filter(l -> l.startsWith("# cpu seconds: "))
                .reduce((a, b) -> b)
                .ifPresent(l -> {
                    Matcher m = CPU_ITEM.matcher(l.substring("# cpu seconds: ".length()));
                    while (m.find()) {
                        out.put(m.group(1), Double.parseDouble(m.group(2)));
                    }
                });
        return out;
    }

    /** The server's CPU per record: Eddy's server, or Kafka's broker. */
    double serverMicrosPerRecord() {
        return cpuMicrosPerRecord.getOrDefault(system.equals("eddy") ? "server" : "broker", Double.NaN);
    }
}
