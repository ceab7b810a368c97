package io.eddy.bench;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary line Kafka's {@code ProducerPerformance} prints last, e.g.
 * {@code 1000000 records sent, 292654.0 records/sec (27.91 MB/sec), 10.52 ms avg latency, 250.00 ms max latency,
 * 5 ms 50th, 20 ms 95th, 30 ms 99th, 40 ms 99.9th.}
 */
record KafkaPerfLine(long records, double recordsPerSec, double mbPerSec, double avgMs, double maxMs, double p50Ms,
                     double p99Ms) {
    private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";
    private static final Pattern SUMMARY = Pattern.compile("([0-9]+) records sent, " + NUMBER + " records/sec \\("
            + NUMBER + " MB/sec\\), " + NUMBER + " ms avg latency, " + NUMBER + " ms max latency, " + NUMBER
            + " ms 50th, " + NUMBER + " ms 95th, " + NUMBER + " ms 99th");

    /** The last summary line among {@code lines} (ProducerPerformance also prints periodic lines without percentiles). */
    static Optional<KafkaPerfLine> parse(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = SUMMARY.matcher(lines.get(i));
            if (m.find()) {
                return Optional.of(new KafkaPerfLine(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)),
                        Double.parseDouble(m.group(6)), Double.parseDouble(m.group(8))));
            }
        }
        return Optional.empty();
    }
}
