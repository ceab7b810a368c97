package io.eddy.core.model;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A topic's configuration. Values are checked here, where they are made; enforcement of retention,
 * compaction and replicas belongs to later parts of the system.
 *
 * @param retentionMs     {@code retention.ms}, -1 = keep forever
 * @param retentionBytes  {@code retention.bytes} per partition, -1 = unbounded
 * @param cleanupPolicy   {@code cleanup.policy}
 * @param maxMessageBytes {@code max.message.bytes}: largest record batch accepted
 * @param replicas        {@code replicas}: bucket names, primary first
 * @param deleteRetentionMs {@code delete.retention.ms}: how long key compaction keeps tombstones
 */
public record TopicConfig(
        long retentionMs,
        long retentionBytes,
        CleanupPolicy cleanupPolicy,
        int maxMessageBytes,
        List<String> replicas,
        long deleteRetentionMs) {

    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String REPLICAS = "replicas";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final Set<String> KEYS =
            Set.of(RETENTION_MS, RETENTION_BYTES, CLEANUP_POLICY, MAX_MESSAGE_BYTES, REPLICAS, DELETE_RETENTION_MS);
    /** Kafka's default {@code delete.retention.ms}: one day. */
    public static final long DEFAULT_DELETE_RETENTION_MS = 86_400_000L;

    /** Kafka's defaults: 7 days, unbounded, delete, 1 MiB + record batch overhead. */
    public static final long DEFAULT_RETENTION_MS = 604_800_000L;

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    public TopicConfig {
        if (retentionMs < -1) {
            throw invalid(RETENTION_MS, "must be -1 (forever) or a non-negative number of milliseconds");
        }
        if (retentionBytes < -1) {
            throw invalid(RETENTION_BYTES, "must be -1 (unbounded) or a non-negative number of bytes");
        }
        if (cleanupPolicy == null) {
            throw invalid(CLEANUP_POLICY, "must be 'delete' or 'compact'");
        }
        if (maxMessageBytes < 1) {
            throw invalid(MAX_MESSAGE_BYTES, "must be a positive number of bytes");
        }
        if (replicas == null || replicas.isEmpty()) {
            throw invalid(REPLICAS, "must name at least one bucket");
        }
        for (String bucket : replicas) {
            if (bucket == null
                    || !BUCKET.matcher(bucket).matches()
                    || bucket.contains("..")
                    || IPV4.matcher(bucket).matches()) {
                throw invalid(REPLICAS, "'" + bucket + "' is not a valid S3 bucket name");
            }
        }
        if (Set.copyOf(replicas).size() != replicas.size()) {
            throw invalid(REPLICAS, "names a bucket twice");
        }
        replicas = List.copyOf(replicas);
        if (deleteRetentionMs < 0) {
            throw invalid(DELETE_RETENTION_MS, "must be a non-negative number of milliseconds");
        }
    }

    /** A config with Kafka's default {@code delete.retention.ms}. */
    public TopicConfig(
            long retentionMs,
            long retentionBytes,
            CleanupPolicy cleanupPolicy,
            int maxMessageBytes,
            List<String> replicas) {
        this(retentionMs, retentionBytes, cleanupPolicy, maxMessageBytes, replicas, DEFAULT_DELETE_RETENTION_MS);
    }

    public static TopicConfig defaults(String primaryBucket) {
        return new TopicConfig(
                DEFAULT_RETENTION_MS, -1, CleanupPolicy.DELETE, DEFAULT_MAX_MESSAGE_BYTES, List.of(primaryBucket));
    }

    public String primaryBucket() {
        return replicas.get(0);
    }

    /**
     * Applies user-supplied settings (JSON-ish values: numbers, strings, lists) over this config.
     * Unknown keys and values of the wrong type are {@code invalid_config}.
     */
    public TopicConfig with(Map<String, ?> settings) {
        long rMs = retentionMs;
        long rBytes = retentionBytes;
        CleanupPolicy policy = cleanupPolicy;
        int maxBytes = maxMessageBytes;
        List<String> reps = replicas;
        long deleteRetention = deleteRetentionMs;
        for (Map.Entry<String, ?> e : settings.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case RETENTION_MS -> rMs = asLong(RETENTION_MS, v);
                case RETENTION_BYTES -> rBytes = asLong(RETENTION_BYTES, v);
                case CLEANUP_POLICY -> {
                    if (!(v instanceof String s) || !(s.equals("delete") || s.equals("compact"))) {
                        throw invalid(CLEANUP_POLICY, "must be 'delete' or 'compact'");
                    }
                    policy = CleanupPolicy.fromWire(s);
                }
                case MAX_MESSAGE_BYTES -> {
                    long n = asLong(MAX_MESSAGE_BYTES, v);
                    if (n < 1 || n > Integer.MAX_VALUE) {
                        throw invalid(MAX_MESSAGE_BYTES, "must be a positive number of bytes below 2^31");
                    }
                    maxBytes = (int) n;
                }
                case REPLICAS -> {
                    if (!(v instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
                        throw invalid(REPLICAS, "must be a list of bucket names");
                    }
                    reps = list.stream().map(String.class::cast).toList();
                }
                case DELETE_RETENTION_MS -> deleteRetention = asLong(DELETE_RETENTION_MS, v);
                default ->
                    throw new EddyException(
                            ErrorCode.INVALID_CONFIG,
                            "unknown config key '" + e.getKey() + "'; known keys: "
                                    + KEYS.stream().sorted().toList(),
                            Map.of("key", e.getKey()));
            }
        }
        return new TopicConfig(rMs, rBytes, policy, maxBytes, reps, deleteRetention);
    }

    /** The config as wire values, keyed by Kafka's names. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(RETENTION_MS, retentionMs);
        m.put(RETENTION_BYTES, retentionBytes);
        m.put(CLEANUP_POLICY, cleanupPolicy.wire());
        m.put(MAX_MESSAGE_BYTES, maxMessageBytes);
        m.put(REPLICAS, replicas);
        m.put(DELETE_RETENTION_MS, deleteRetentionMs);
        return m;
    }

    private static long asLong(String key, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
        }
        throw invalid(key, "must be an integer");
    }

    private static EddyException invalid(String key, String why) {
        return new EddyException(ErrorCode.INVALID_CONFIG, key + " " + why, Map.of("key", key));
    }
}
