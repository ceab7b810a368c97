package io.eddy.bench;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A summary line of Kafka's {@code ProducerPerformance}, e.g.
 * {@code 1000000 records sent, 292654.0 records/sec (27.91 MB/sec), 10.52 ms avg latency, 250.00 ms max latency,
 * 5 ms 50th, 20 ms 95th, 30 ms 99th, 40 ms 99.9th.} With {@code --warmup-records} it prints a second one, for the
 * records after the warm-up ({@code ... steady state records sent, ...}): that one is comparable with Eddy's
 * measured window, which also leaves the warm-up out.
 *
 * @param steadyState whether this is the line without the warm-up records
 */
record KafkaPerfLine(
        long records,
        boolean steadyState,
        double recordsPerSec,
        double mbPerSec,
        double avgMs,
        double maxMs,
        double p50Ms,
        double p99Ms) {
    private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";
    private static final Pattern CPU = Pattern.compile("^# cpu cores: machine " + NUMBER + ", broker " + NUMBER);
    private static final Pattern SUMMARY =
            Pattern.compile("([0-9]+) (steady state )?records sent, " + NUMBER + " records/sec \\("
                    + NUMBER + " MB/sec\\), " + NUMBER + " ms avg latency, " + NUMBER + " ms max latency, " + NUMBER
                    + " ms 50th, " + NUMBER + " ms 95th, " + NUMBER + " ms 99th");

    /**
     * The steady-state summary among {@code lines} if there is one, else the last whole-run summary
     * (ProducerPerformance also prints periodic lines without percentiles, which never count).
     */
    static Optional<KafkaPerfLine> parse(List<String> lines) {
        KafkaPerfLine last = null;
        for (String line : lines) {
            Matcher m = SUMMARY.matcher(line);
            if (m.find()) {
                KafkaPerfLine k = new KafkaPerfLine(
                        Long.parseLong(m.group(1)),
                        m.group(2) != null,
                        Double.parseDouble(m.group(3)),
                        Double.parseDouble(m.group(4)),
                        Double.parseDouble(m.group(5)),
                        Double.parseDouble(m.group(6)),
                        Double.parseDouble(m.group(7)),
                        Double.parseDouble(m.group(9)));
                if (last == null || !last.steadyState()) {
                    last = k;
                }
            }
        }
        return Optional.ofNullable(last);
    }

    /**
     * The cores the machine and the broker kept busy during the run, from the {@code # cpu cores: ...} line
     * {@code ./eddy perf produce} appends to ProducerPerformance's output; empty when there is none.
     */
    static java.util.Map<String, Double> cpuCores(List<String> lines) {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = CPU.matcher(line);
            if (m.find()) {
                out.put("broker", Double.parseDouble(m.group(2)));
                out.put("machine", Double.parseDouble(m.group(1)));
            }
        }
        return out;
    }
}
