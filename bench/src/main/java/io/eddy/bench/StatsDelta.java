package io.eddy.bench;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the server's write path did between two reads of {@code GET /v1/stats}: segment PUTs (one per bucket
 * written), DynamoDB commit transactions and their items, the flushes, and the batch bytes and records flushed
 * ({@code produce.*} counters).
 */
record StatsDelta(long segmentPuts, long transactions, long bytes, long records, long flushes, long transactionItems) {
    static final double GIB = 1024.0 * 1024.0 * 1024.0;

    StatsDelta {
        if (segmentPuts < 0 || transactions < 0 || bytes < 0 || records < 0) {
            throw new IllegalArgumentException("counters went backwards (did the server restart?): puts " + segmentPuts
                    + ", transactions " + transactions + ", bytes " + bytes + ", records " + records);
        }
    }

    /** The change from {@code before} to {@code after}, two {@code /v1/stats} bodies. */
    static StatsDelta between(JsonNode before, JsonNode after) {
        return new StatsDelta(
                counter(after, "segment_puts") - counter(before, "segment_puts"),
                counter(after, "transactions") - counter(before, "transactions"),
                counter(after, "bytes") - counter(before, "bytes"),
                counter(after, "records") - counter(before, "records"),
                counter(after, "flushes") - counter(before, "flushes"),
                optional(after, "transaction_items") - optional(before, "transaction_items"));
    }

    private static long counter(JsonNode stats, String name) {
        JsonNode value = stats.path("produce").path(name);
        if (!value.canConvertToLong()) {
            throw new IllegalArgumentException("/v1/stats has no counter produce." + name + ": " + stats);
        }
        return value.asLong();
    }

    /** A counter older servers do not have: 0 there. */
    private static long optional(JsonNode stats, String name) {
        return stats.path("produce").path(name).asLong(0);
    }

    /** DynamoDB items written or checked by commit transactions per GiB; NaN when nothing was flushed. */
    double transactionItemsPerGiB() {
        return perGiB(transactionItems);
    }

    /** S3 PUTs per GiB of batch bytes flushed; NaN when nothing was flushed. */
    double putsPerGiB() {
        return perGiB(segmentPuts);
    }

    /** DynamoDB transactions per GiB of batch bytes flushed; NaN when nothing was flushed. */
    double transactionsPerGiB() {
        return perGiB(transactions);
    }

    private double perGiB(long count) {
        return bytes == 0 ? Double.NaN : count / (bytes / GIB);
    }
}
