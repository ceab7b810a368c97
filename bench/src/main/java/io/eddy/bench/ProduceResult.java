package io.eddy.bench;

import java.util.Map;

/**
 * One measured configuration of {@code perf produce}, as printed and written to the JSON results.
 *
 * @param recordsPerSec       records acknowledged in the measured window, per second
 * @param mbPerSec            record value bytes acknowledged per second, in MiB (Kafka's ProducerPerformance's "MB")
 * @param p50Ms               median ack latency of a request, from send to checked response
 * @param putsPerGib          S3 segment PUTs (every bucket written counts) per GiB of batch bytes the server flushed
 * @param transactionsPerGib  DynamoDB commit transactions per GiB of batch bytes the server flushed
 * @param cpuCores            cores kept busy on average in the window: per process, "machine" and "others"
 * @param flushesInFlight     the server's eddy.produce.flushes-in-flight (0: not Eddy, or not told)
 * @param flushes             flushes the server ran in the window
 * @param transactionItemsPerGib DynamoDB items the commit transactions wrote or checked per GiB flushed
 */
record ProduceResult(
        String system,
        int lingerMs,
        String acks,
        int recordSize,
        int partitions,
        int producers,
        int recordsPerRequest,
        double seconds,
        long records,
        long requests,
        double recordsPerSec,
        double mbPerSec,
        double p50Ms,
        double p99Ms,
        double p999Ms,
        double maxMs,
        long errors,
        Map<String, Long> errorSamples,
        long segmentPuts,
        long transactions,
        long serverBytes,
        double putsPerGib,
        double transactionsPerGib,
        Map<String, Double> cpuCores,
        int flushesInFlight,
        long flushes,
        double transactionItemsPerGib) {

    /** CPU microseconds per acknowledged record of each process measured ("machine" and "others" left out). */
    Map<String, Double> cpuMicrosPerRecord() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        cpuCores.forEach((process, cores) -> {
            if (!process.equals("machine") && !process.equals("others") && recordsPerSec > 0) {
                out.put(process, cores / recordsPerSec * 1e6);
            }
        });
        return out;
    }
}
