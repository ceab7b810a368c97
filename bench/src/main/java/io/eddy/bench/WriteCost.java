package io.eddy.bench;

/**
 * What a GiB written costs at AWS list prices (us-east-1, on-demand), from the server's counters and its measured
 * CPU: S3 PUTs, DynamoDB write request units (a transactional write of an item up to 1 KB takes two; every item of
 * Eddy's commits is under 1 KB) and Lambda GB-seconds for the CPU the server spent (a Lambda function gets one vCPU
 * per 1,769 MB, so a CPU-second is 1.769 GB-s). DynamoDB reads of the write path (producer states, epochs, lease
 * acquisitions) are not counted by the server yet and are left out; so are S3 storage and data transfer. The prices
 * and their date are in docs/benchmarks.md.
 */
record WriteCost(double s3Puts, double dynamoWrites, double lambda) {
    /** S3 Standard PUT, COPY, POST, LIST: $0.005 per 1,000 requests. */
    static final double S3_PUT = 0.005 / 1_000;
    /** DynamoDB on-demand write request unit: $0.625 per million. */
    static final double DYNAMO_WRU = 0.625 / 1_000_000;
    /** Lambda (x86) compute: $0.0000166667 per GB-second. */
    static final double LAMBDA_GB_SECOND = 0.0000166667;
    /** GB of Lambda memory that buys one full vCPU. */
    static final double GB_PER_VCPU = 1.769;

    /** The cost per GiB of batch bytes flushed, or null when the server flushed nothing or is not Eddy. */
    static WriteCost perGiB(ProduceResult r) {
        if (!r.system().equals("eddy") || Double.isNaN(r.putsPerGib()) || r.serverBytes() == 0) {
            return null;
        }
        double serverCores = r.cpuCores().getOrDefault("server", Double.NaN);
        double gib = r.serverBytes() / StatsDelta.GIB;
        double cpuSecondsPerGib = serverCores * r.seconds() / gib;
        return new WriteCost(
                r.putsPerGib() * S3_PUT,
                writeUnitsPerGib(r) * DYNAMO_WRU,
                cpuSecondsPerGib * GB_PER_VCPU * LAMBDA_GB_SECOND);
    }

    /**
     * DynamoDB write request units per GiB: two per transaction item (every item stays under 1 KB). Not the server's
     * {@code transaction_reported_wru}: DynamoDB Local, which the bench runs on, does not report a transaction's
     * consumed capacity as AWS bills it (see docs/architecture.md, "Index pages").
     */
    static double writeUnitsPerGib(ProduceResult r) {
        return 2 * r.transactionItemsPerGib();
    }

    double total() {
        return s3Puts + dynamoWrites + lambda;
    }
}
