package io.eddy.bench;

import java.util.List;
import java.util.Optional;

/**
 * The result line of Kafka's {@code ConsumerPerformance}, under its header
 * {@code start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
 * fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec}. The {@code fetch.*} rates leave out the time the consumer spent
 * joining its group; they are the ones compared with Eddy, whose consumers read their partitions directly.
 *
 * @param mb                MiB of keys and values consumed (Kafka's "MB")
 * @param mbPerSec          over the whole run, group join included
 * @param recordsPerSec     over the whole run, group join included
 * @param fetchMbPerSec     over the fetch time only
 * @param fetchRecordsPerSec over the fetch time only
 */
record KafkaConsumerPerfLine(
        double mb,
        double mbPerSec,
        long records,
        double recordsPerSec,
        long rebalanceMs,
        long fetchMs,
        double fetchMbPerSec,
        double fetchRecordsPerSec) {

    /** The last result line among {@code lines}, if any (the header and log lines never match). */
    static Optional<KafkaConsumerPerfLine> parse(List<String> lines) {
        KafkaConsumerPerfLine found = null;
        for (String line : lines) {
            String[] f = line.split(",\\s*");
            if (f.length != 10 || line.startsWith("start.time")) {
                continue;
            }
            try {
                found = new KafkaConsumerPerfLine(
                        Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]),
                        Long.parseLong(f[4]),
                        Double.parseDouble(f[5]),
                        Long.parseLong(f[6]),
                        Long.parseLong(f[7]),
                        Double.parseDouble(f[8]),
                        Double.parseDouble(f[9]));
            } catch (NumberFormatException e) {
                // not a result line
            }
        }
        return Optional.ofNullable(found);
    }
}
