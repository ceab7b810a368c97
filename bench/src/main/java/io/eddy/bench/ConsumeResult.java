package io.eddy.bench;

import java.util.Map;

/**
 * One full read of a topic in {@code perf consume} (or Kafka's ConsumerPerformance), as printed and written to the
 * JSON results.
 *
 * @param tier             where the server's blocks came from: {@code s3}, {@code disk}, {@code memory}; Kafka's
 *                         row says {@code page cache}
 * @param pass             {@code warm-up} (the read that fills a tier) or {@code measure}
 * @param recordsPerSec    records received, checked, per second of the whole read
 * @param mbPerSec         record value bytes per second, in MiB (ConsumerPerformance's "MB" counts keys and values;
 *                         the records have null keys)
 * @param batchMbPerSec    batch bytes received per second, in MiB (what travelled, headers included)
 * @param getsPerGib       the cache's S3 block GETs per GiB of batch bytes received
 * @param s3BytesPerByte   bytes read from S3 per batch byte received (read amplification)
 * @param dynamoCalls      every DynamoDB call the server made during the read (head reads, index queries among them)
 * @param dynamoPerFetch   DynamoDB calls per fetch request
 * @param cpuCores         cores kept busy on average during the read: per process, "machine" and "others"
 */
record ConsumeResult(
        String system,
        String tier,
        String pass,
        int recordSize,
        int partitions,
        int consumers,
        double seconds,
        long records,
        long expectedRecords,
        long requests,
        long batchBytes,
        double recordsPerSec,
        double mbPerSec,
        double batchMbPerSec,
        long errors,
        Map<String, Long> errorSamples,
        long memoryHits,
        long memoryMisses,
        long diskHits,
        long diskMisses,
        long s3Gets,
        long s3Bytes,
        long getObjects,
        double getsPerGib,
        double s3BytesPerByte,
        long indexHits,
        long indexMisses,
        long dynamoCalls,
        long headReads,
        long indexQueries,
        double dynamoPerFetch,
        Map<String, Double> cpuCores) {

    /** CPU µs per record of each process (its cores × the read's seconds / records); NaN when nothing was read. */
    Map<String, Double> cpuMicrosPerRecord() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        cpuCores.forEach((k, v) -> out.put(k, records == 0 ? Double.NaN : v * seconds * 1e6 / records));
        return out;
    }
}
