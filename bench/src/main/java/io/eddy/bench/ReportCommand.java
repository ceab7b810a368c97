package io.eddy.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 * {@code perf report}: puts the results of one {@code ./eddy perf produce} run together — Eddy's per-linger JSON
 * files and Kafka's ProducerPerformance output per record size — prints one table with the ratio Eddy/Kafka per
 * record size, and writes it all as one JSON document.
 */
final class ReportCommand implements Perf.Command {
    static final String USAGE = """
            usage: perf report --eddy FILE.json [--eddy ...] [--kafka SIZE=OUTPUT.txt ...] [--note TEXT] --out FILE.json
            """;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(argv, Set.of("help"));
        if (args.flag("help")) {
            System.out.print(USAGE);
            return 0;
        }
        List<ProduceResult> eddy = new ArrayList<>();
        for (String file : args.all("eddy")) {
            JsonNode doc = JSON.readTree(Path.of(file).toFile());
            for (JsonNode r : doc.path("results")) {
                eddy.add(JSON.treeToValue(r, ProduceResult.class));
            }
        }
        Map<Integer, ProduceResult> kafka = new TreeMap<>();
        int status = 0;
        for (String spec : args.all("kafka")) {
            String[] kv = spec.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--kafka takes SIZE=FILE, not '" + spec + "'");
            }
            int size = Integer.parseInt(kv[0]);
            List<String> output = Files.readAllLines(Path.of(kv[1]));
            Optional<KafkaPerfLine> line = KafkaPerfLine.parse(output);
            if (line.isEmpty()) {
                System.err.println("perf report: no ProducerPerformance summary line in " + kv[1] + " (Kafka at " + size
                        + " B left out)");
                status = 1;
                continue;
            }
            kafka.put(size, kafkaResult(size, line.get(), KafkaPerfLine.cpuCores(output)));
        }
        List<Map<String, Object>> ratios = ratios(eddy, kafka);

        System.out.println();
        System.out.println(
                "Produce: Eddy (binary API) vs Kafka 4.4.0 ProducerPerformance (acks=all, linger 5 ms), same run");
        System.out.printf(
                Locale.ROOT,
                "%-6s %6s %3s %4s %6s %12s %8s %8s %8s %9s %9s %9s %8s %6s %10s  %s | %s%n",
                "system",
                "linger",
                "fif",
                "acks",
                "size",
                "records/s",
                "MB/s",
                "p50 ms",
                "p99 ms",
                "PUTs/GiB",
                "txns/GiB",
                "WRU/GiB",
                "$/GiB",
                "errors",
                "Eddy/Kafka",
                "cores busy",
                "CPU µs per record");
        for (ProduceResult r : eddy) {
            ProduceResult k = kafka.get(r.recordSize());
            System.out.println(
                    row(r, k == null ? "" : String.format(Locale.ROOT, "%.2f", r.recordsPerSec() / k.recordsPerSec())));
        }
        for (ProduceResult k : kafka.values()) {
            System.out.println(row(k, ""));
        }
        for (Map<String, Object> ratio : ratios) {
            System.out.printf(
                    Locale.ROOT,
                    "%d B, acks=all, linger 5 ms: Eddy %,.0f records/s, Kafka %,.0f records/s: Eddy/Kafka = %.2f%n",
                    ratio.get("record_size"),
                    ratio.get("eddy_records_per_sec"),
                    ratio.get("kafka_records_per_sec"),
                    ratio.get("ratio"));
        }

        System.out.printf(
                Locale.ROOT,
                "fif: flushes in flight per lane. $/GiB: S3 PUTs $%.3f/1,000 + DynamoDB $%.3f per million write units"
                        + " (WRU, 2 per transaction item) + Lambda $%.10f per GB-s for the server's CPU at %.3f GB per"
                        + " vCPU; write-path reads not counted (docs/benchmarks.md)%n",
                WriteCost.S3_PUT * 1_000,
                WriteCost.DYNAMO_WRU * 1_000_000,
                WriteCost.LAMBDA_GB_SECOND,
                WriteCost.GB_PER_VCPU);
        Reports.write(JSON, args, eddy, kafka.values(), ratios);
        return status;
    }

    static ProduceResult kafkaResult(int size, KafkaPerfLine k, Map<String, Double> cpuCores) {
        return new ProduceResult(
                "kafka",
                5,
                "all",
                size,
                6,
                1,
                0,
                Double.NaN,
                k.records(),
                0,
                k.recordsPerSec(),
                k.mbPerSec(),
                k.p50Ms(),
                k.p99Ms(),
                Double.NaN,
                k.maxMs(),
                0,
                Map.of(),
                0,
                0,
                0,
                Double.NaN,
                Double.NaN,
                cpuCores,
                0,
                0,
                Double.NaN);
    }

    /** Eddy/Kafka records/s per record size, for the configuration Kafka ran (acks=all, linger 5 ms). */
    static List<Map<String, Object>> ratios(List<ProduceResult> eddy, Map<Integer, ProduceResult> kafka) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ProduceResult e : eddy) {
            ProduceResult k = kafka.get(e.recordSize());
            if (k != null && e.acks().equals("all") && e.lingerMs() == 5) {
                out.add(Reports.ratio(e.recordSize(), e.recordsPerSec(), k.recordsPerSec()));
            }
        }
        return out;
    }

    private static String row(ProduceResult r, String ratio) {
        String cores = CpuSample.describe(r.cpuCores(), " ");
        WriteCost cost = WriteCost.perGiB(r);
        return String.format(
                Locale.ROOT,
                "%-6s %4d ms %3s %4s %4d B %,12.0f %8.2f %8.1f %8.1f %9s %9s %9s %8s %6d %10s  %s | %s",
                r.system(),
                r.lingerMs(),
                r.flushesInFlight() == 0 ? "-" : String.valueOf(r.flushesInFlight()),
                r.acks(),
                r.recordSize(),
                r.recordsPerSec(),
                r.mbPerSec(),
                r.p50Ms(),
                r.p99Ms(),
                count(r.putsPerGib()),
                count(r.transactionsPerGib()),
                count(WriteCost.writeUnitsPerGib(r)),
                cost == null ? "-" : String.format(Locale.ROOT, "%.4f", cost.total()),
                r.errors(),
                ratio,
                cores,
                micros(r));
    }

    private static String micros(ProduceResult r) {
        StringBuilder out = new StringBuilder();
        r.cpuMicrosPerRecord()
                .forEach((process, us) -> out.append(out.length() == 0 ? "" : " ")
                        .append(process)
                        .append(' ')
                        .append(String.format(Locale.ROOT, "%.2f", us)));
        return out.toString();
    }

    private static String count(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }
}
