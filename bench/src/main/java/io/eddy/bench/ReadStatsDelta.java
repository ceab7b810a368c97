package io.eddy.bench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the server's read path did between two reads of {@code GET /v1/stats}: block hits and misses per cache tier,
 * the cache's block GETs to S3 and their bytes ({@code cache.s3}), every GetObject the S3 client sent
 * ({@code s3.requests.GetObject}), index-entry cache hits and misses, every DynamoDB call the server made
 * ({@code dynamodb.requests}) and the fetch path's head reads and index queries among them.
 */
record ReadStatsDelta(
        long memoryHits,
        long memoryMisses,
        long diskHits,
        long diskMisses,
        long s3Gets,
        long s3Bytes,
        long getObjects,
        long indexHits,
        long indexMisses,
        long dynamoCalls,
        long headReads,
        long indexQueries) {

    ReadStatsDelta {
        if (memoryHits < 0
                || memoryMisses < 0
                || diskHits < 0
                || diskMisses < 0
                || s3Gets < 0
                || s3Bytes < 0
                || getObjects < 0
                || indexHits < 0
                || indexMisses < 0
                || dynamoCalls < 0
                || headReads < 0
                || indexQueries < 0) {
            throw new IllegalArgumentException("counters went backwards (did the server restart?)");
        }
    }

    /** The change from {@code before} to {@code after}, two {@code /v1/stats} bodies. */
    static ReadStatsDelta between(JsonNode before, JsonNode after) {
        return new ReadStatsDelta(
                delta(before, after, "cache", "memory", "hits"),
                delta(before, after, "cache", "memory", "misses"),
                optional(after, "cache", "disk", "hits") - optional(before, "cache", "disk", "hits"),
                optional(after, "cache", "disk", "misses") - optional(before, "cache", "disk", "misses"),
                delta(before, after, "cache", "s3", "gets"),
                delta(before, after, "cache", "s3", "bytes"),
                optional(after, "s3", "requests", "GetObject") - optional(before, "s3", "requests", "GetObject"),
                delta(before, after, "cache", "index", "hits"),
                delta(before, after, "cache", "index", "misses"),
                sum(after, "dynamodb", "requests") - sum(before, "dynamodb", "requests"),
                optional(after, "fetch", "head_reads") - optional(before, "fetch", "head_reads"),
                optional(after, "fetch", "index_queries") - optional(before, "fetch", "index_queries"));
    }

    /** The sum of an object's counters ({@code dynamodb.requests}: every DynamoDB call the server made); 0 if absent. */
    private static long sum(JsonNode stats, String... path) {
        JsonNode value = stats;
        for (String p : path) {
            value = value.path(p);
        }
        long total = 0;
        for (JsonNode n : value) {
            total += n.asLong();
        }
        return total;
    }

    private static long delta(JsonNode before, JsonNode after, String... path) {
        return required(after, path) - required(before, path);
    }

    private static long required(JsonNode stats, String... path) {
        JsonNode value = stats;
        for (String p : path) {
            value = value.path(p);
        }
        if (!value.canConvertToLong()) {
            throw new IllegalArgumentException("/v1/stats has no counter " + String.join(".", path) + ": " + stats);
        }
        return value.asLong();
    }

    /** A counter that is absent when its thing is (the disk tier when off, an S3 request kind never sent): 0. */
    private static long optional(JsonNode stats, String... path) {
        JsonNode value = stats;
        for (String p : path) {
            value = value.path(p);
        }
        return value.canConvertToLong() ? value.asLong() : 0;
    }

    /** DynamoDB calls per fetch; NaN when there was none. */
    double dynamoCallsPerFetch(long fetches) {
        return fetches == 0 ? Double.NaN : dynamoCalls / (double) fetches;
    }

    /** The cache's S3 block GETs per GiB of {@code bytesRead} (what consumers received); NaN when nothing was read. */
    double getsPerGiB(long bytesRead) {
        return bytesRead == 0 ? Double.NaN : s3Gets / (bytesRead / StatsDelta.GIB);
    }

    /** Bytes fetched from S3 per byte consumers received: read amplification; NaN when nothing was read. */
    double s3BytesPerByteRead(long bytesRead) {
        return bytesRead == 0 ? Double.NaN : s3Bytes / (double) bytesRead;
    }
}
