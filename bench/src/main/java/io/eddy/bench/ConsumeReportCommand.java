package io.eddy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code perf consume-report}: puts the results of one {@code ./eddy perf consume} run together — Eddy's measured
 * read per tier and Kafka's ConsumerPerformance output per record size — prints one table with the ratio
 * Eddy/Kafka per row, and writes it all as one JSON document. The ratio the issue asks about is the memory tier's.
 */
final class ConsumeReportCommand implements Perf.Command {
    static final String USAGE = """
            usage: perf consume-report --eddy FILE.json [--eddy ...] [--kafka SIZE=OUTPUT.txt ...] [--note TEXT] --out FILE.json
            """;

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(argv, Set.of("help"));
        if (args.flag("help")) {
            System.out.print(USAGE);
            return 0;
        }
        List<ConsumeResult> eddy = new ArrayList<>();
        for (String file : args.all("eddy")) {
            for (JsonNode r :
                    ConsumeCommand.JSON.readTree(Path.of(file).toFile()).path("results")) {
                eddy.add(ConsumeCommand.JSON.treeToValue(r, ConsumeResult.class));
            }
        }
        Map<Integer, ConsumeResult> kafka = new TreeMap<>();
        int status = 0;
        for (String spec : args.all("kafka")) {
            String[] kv = spec.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--kafka takes SIZE=FILE, not '" + spec + "'");
            }
            int size = Integer.parseInt(kv[0]);
            List<String> output = Files.readAllLines(Path.of(kv[1]));
            Optional<KafkaConsumerPerfLine> line = KafkaConsumerPerfLine.parse(output);
            if (line.isEmpty()) {
                System.err.println("perf consume-report: no ConsumerPerformance result line in " + kv[1] + " (Kafka at "
                        + size + " B left out)");
                status = 1;
                continue;
            }
            kafka.put(size, kafkaResult(size, line.get(), KafkaPerfLine.cpuCores(output)));
        }
        List<Map<String, Object>> ratios = ratios(eddy, kafka);

        System.out.println();
        System.out.println(
                "Consume: Eddy (binary fetch, a consumer per partition) per tier vs Kafka 4.4.0 ConsumerPerformance, same run");
        System.out.printf(
                Locale.ROOT,
                "%-6s %-10s %6s %12s %8s %9s %9s %9s %9s %9s %8s %8s %6s %10s  %s%n",
                "system",
                "tier",
                "size",
                "records/s",
                "MB/s",
                "GETs/GiB",
                "S3 B/B",
                "mem hits",
                "disk hits",
                "S3 GETs",
                "idx miss",
                "DDB/fetch",
                "errors",
                "Eddy/Kafka",
                "cores busy (CPU µs per record)");
        for (ConsumeResult r : eddy) {
            ConsumeResult k = kafka.get(r.recordSize());
            System.out.println(
                    row(r, k == null ? "" : String.format(Locale.ROOT, "%.2f", r.recordsPerSec() / k.recordsPerSec())));
        }
        for (ConsumeResult k : kafka.values()) {
            System.out.println(row(k, ""));
        }
        for (Map<String, Object> ratio : ratios) {
            System.out.printf(
                    Locale.ROOT,
                    "%d B, memory tier: Eddy %,.0f records/s, Kafka %,.0f records/s: Eddy/Kafka = %.2f%n",
                    ratio.get("record_size"),
                    ratio.get("eddy_records_per_sec"),
                    ratio.get("kafka_records_per_sec"),
                    ratio.get("ratio"));
        }

        Reports.write(ConsumeCommand.JSON, args, eddy, kafka.values(), ratios);
        for (ConsumeResult r : eddy) {
            if (r.errors() > 0) {
                status = 1;
            }
        }
        return status;
    }

    /** Kafka's row: the fetch-time rates (group join left out), records/s over that time. */
    static ConsumeResult kafkaResult(int size, KafkaConsumerPerfLine k, Map<String, Double> cpuCores) {
        return new ConsumeResult(
                "kafka",
                "page cache",
                "measure",
                size,
                6,
                1,
                k.fetchMs() / 1000.0,
                k.records(),
                k.records(),
                0,
                0,
                k.fetchRecordsPerSec(),
                k.fetchMbPerSec(),
                Double.NaN,
                0,
                Map.of(),
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                Double.NaN,
                Double.NaN,
                0,
                0,
                0,
                0,
                0,
                Double.NaN,
                cpuCores);
    }

    /** Eddy's memory tier over Kafka, records/s, per record size both measured. */
    static List<Map<String, Object>> ratios(List<ConsumeResult> eddy, Map<Integer, ConsumeResult> kafka) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConsumeResult e : eddy) {
            ConsumeResult k = kafka.get(e.recordSize());
            if (k != null && e.tier().equals("memory") && e.pass().equals("measure")) {
                out.add(Reports.ratio(e.recordSize(), e.recordsPerSec(), k.recordsPerSec()));
            }
        }
        return out;
    }

    private static String row(ConsumeResult r, String ratio) {
        StringBuilder cores = new StringBuilder();
        Map<String, Double> micros = r.cpuMicrosPerRecord();
        r.cpuCores()
                .forEach((name, c) -> cores.append(cores.length() == 0 ? "" : " ")
                        .append(String.format(Locale.ROOT, "%s %.2f (%.2f µs)", name, c, micros.get(name))));
        boolean eddy = r.system().equals("eddy");
        return String.format(
                Locale.ROOT,
                "%-6s %-10s %4d B %,12.0f %8.2f %9s %9s %9s %9s %9s %8s %8s %6d %10s  %s",
                r.system(),
                r.tier(),
                r.recordSize(),
                r.recordsPerSec(),
                r.mbPerSec(),
                number(r.getsPerGib(), "%,.1f"),
                number(r.s3BytesPerByte(), "%.2f"),
                eddy ? String.format(Locale.ROOT, "%,d", r.memoryHits()) : "-",
                eddy ? String.format(Locale.ROOT, "%,d", r.diskHits()) : "-",
                eddy ? String.format(Locale.ROOT, "%,d", r.s3Gets()) : "-",
                eddy ? String.format(Locale.ROOT, "%,d", r.indexMisses()) : "-",
                number(r.dynamoPerFetch(), "%.3f"),
                r.errors(),
                ratio,
                cores);
    }

    private static String number(double v, String format) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }
}
