package io.eddy.core.format;

/**
 * How many bytes validating a binary produce may inflate out of its compressed batches: a batch that
 * decompresses past {@code maxBatchBytes} is refused with 413 {@code record_too_large}, a request whose compressed
 * batches together decompress past {@code maxRequestBytes} with 413 {@code request_too_large}. Uncompressed
 * batches cost nothing here: their bytes are the body's. These bound the CPU a small body can cost (gzip inflates
 * about 1,000 to 1, zstd far more); memory is bounded apart from them, since records are read one at a time and a
 * record's declared length is checked against {@code max.message.bytes} before its buffer is allocated.
 */
public record InflateLimits(long maxBatchBytes, long maxRequestBytes) {
    /** 64 MiB a batch, 256 MiB a request: a producer's batch of {@code max.message.bytes} at a 60:1 ratio fits. */
    public static final InflateLimits DEFAULT = new InflateLimits(64L << 20, 256L << 20);

    public InflateLimits {
        if (maxBatchBytes < 1 || maxRequestBytes < maxBatchBytes) {
            throw new IllegalArgumentException("inflate limits: batch " + maxBatchBytes + " must be positive and at "
                    + "most the request's " + maxRequestBytes);
        }
    }
}
