package io.eddy.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicConfigTest {
    private static final TopicConfig DEFAULTS = TopicConfig.defaults("eddy-data");

    @Test
    void defaultsAreKafkas() {
        assertThat(DEFAULTS.retentionMs()).isEqualTo(604_800_000L);
        assertThat(DEFAULTS.retentionBytes()).isEqualTo(-1);
        assertThat(DEFAULTS.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
        assertThat(DEFAULTS.maxMessageBytes()).isEqualTo(1_048_588);
        assertThat(DEFAULTS.replicas()).containsExactly("eddy-data");
        assertThat(DEFAULTS.primaryBucket()).isEqualTo("eddy-data");
    }

    @Test
    void noSettingsKeepTheDefaults() {
        assertThat(DEFAULTS.with(Map.of())).isEqualTo(DEFAULTS);
    }

    @Test
    void everyKeyCanBeSet() {
        TopicConfig config = DEFAULTS.with(Map.of(
                "retention.ms",
                3_600_000,
                "retention.bytes",
                1_073_741_824L,
                "cleanup.policy",
                "compact",
                "max.message.bytes",
                2_000_000,
                "replicas",
                List.of("primary-bucket", "replica.bucket-2")));

        assertThat(config)
                .isEqualTo(new TopicConfig(
                        3_600_000,
                        1_073_741_824L,
                        CleanupPolicy.COMPACT,
                        2_000_000,
                        List.of("primary-bucket", "replica.bucket-2")));
        assertThat(config.primaryBucket()).isEqualTo("primary-bucket");
    }

    @Test
    void settingsLeaveOtherKeysAlone() {
        TopicConfig config = DEFAULTS.with(Map.of("retention.ms", -1));

        assertThat(config.retentionMs()).isEqualTo(-1);
        assertThat(config).isEqualTo(new TopicConfig(-1, -1, CleanupPolicy.DELETE, 1_048_588, List.of("eddy-data")));
    }

    @Test
    void integersMayComeAsAnyIntegralTypeOrDecimalString() {
        assertThat(DEFAULTS.with(Map.of("retention.ms", (short) 7)).retentionMs())
                .isEqualTo(7);
        assertThat(DEFAULTS.with(Map.of("retention.ms", 7)).retentionMs()).isEqualTo(7);
        assertThat(DEFAULTS.with(Map.of("retention.ms", 7L)).retentionMs()).isEqualTo(7);
        assertThat(DEFAULTS.with(Map.of("retention.ms", BigInteger.valueOf(7))).retentionMs())
                .isEqualTo(7);
        assertThat(DEFAULTS.with(Map.of("retention.ms", " 7 ")).retentionMs()).isEqualTo(7);
        assertThat(DEFAULTS.with(Map.of("retention.bytes", "-1")).retentionBytes())
                .isEqualTo(-1);
    }

    @Test
    void toMapRoundTrips() {
        TopicConfig config = new TopicConfig(5, 6, CleanupPolicy.COMPACT, 7, List.of("aaa", "bbb"));

        assertThat(DEFAULTS.with(config.toMap())).isEqualTo(config);
        assertThat(config.toMap()).containsOnlyKeys(TopicConfig.KEYS);
    }

    // --- unknown keys and bad values are invalid_config, naming the key ------------------------------------

    @Test
    void unknownKeyIsInvalidConfig() {
        assertInvalid(Map.of("retention.hours", 1), "retention.hours");
        assertInvalid(Map.of("Retention.ms", 1), "Retention.ms");
        assertInvalid(Map.of("segment.bytes", 1), "segment.bytes");
    }

    @Test
    void valuesOfTheWrongTypeAreInvalidConfig() {
        assertInvalid(Map.of("retention.ms", 1.5), "retention.ms");
        assertInvalid(Map.of("retention.ms", 1000.0), "retention.ms");
        assertInvalid(Map.of("retention.ms", true), "retention.ms");
        assertInvalid(Map.of("retention.ms", "7 days"), "retention.ms");
        assertInvalid(Map.of("retention.ms", List.of(1)), "retention.ms");
        assertInvalid(Map.of("retention.bytes", "1e9"), "retention.bytes");
        assertInvalid(Map.of("retention.bytes", BigInteger.TWO.pow(64)), "retention.bytes");
        assertInvalid(Map.of("max.message.bytes", "big"), "max.message.bytes");
        assertInvalid(Map.of("cleanup.policy", 1), "cleanup.policy");
        assertInvalid(Map.of("replicas", "one-bucket"), "replicas");
        assertInvalid(Map.of("replicas", List.of("bucket-a", 2)), "replicas");
    }

    @ParameterizedTest
    @ValueSource(strings = {"retention.ms", "retention.bytes", "cleanup.policy", "max.message.bytes", "replicas"})
    void nullValueIsInvalidConfig(String key) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(key, null);

        assertInvalid(settings, key);
    }

    @Test
    void negativeRetentionBelowMinusOneIsInvalidConfig() {
        assertInvalid(Map.of("retention.ms", -2), "retention.ms");
        assertInvalid(Map.of("retention.bytes", -2L), "retention.bytes");
        assertInvalid(Map.of("retention.ms", Long.MIN_VALUE), "retention.ms");
    }

    @Test
    void maxMessageBytesMustBePositiveAndFitAnInt() {
        assertInvalid(Map.of("max.message.bytes", 0), "max.message.bytes");
        assertInvalid(Map.of("max.message.bytes", -1), "max.message.bytes");
        assertInvalid(Map.of("max.message.bytes", 1L << 31), "max.message.bytes");
        assertThat(DEFAULTS.with(Map.of("max.message.bytes", Integer.MAX_VALUE)).maxMessageBytes())
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(DEFAULTS.with(Map.of("max.message.bytes", 1)).maxMessageBytes())
                .isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Delete", "COMPACT", "compact,delete", "", "none"})
    void cleanupPolicyIsDeleteOrCompact(String policy) {
        assertInvalid(Map.of("cleanup.policy", policy), "cleanup.policy");
    }

    @Test
    void replicasNeedAtLeastOneBucket() {
        assertInvalid(Map.of("replicas", List.of()), "replicas");
    }

    @Test
    void replicasMayNotNameABucketTwice() {
        assertInvalid(Map.of("replicas", List.of("bucket-a", "bucket-b", "bucket-a")), "replicas");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"ab", "Bucket", "bucket_a", "-bucket", "bucket-", ".bucket", "bucket.", "bucket a", "b/ucket"})
    void replicasMustBeValidS3BucketNames(String bucket) {
        assertInvalid(Map.of("replicas", List.of(bucket)), "replicas");
    }

    @Test
    void bucketNameLengthIs3To63() {
        assertThat(DEFAULTS.with(Map.of("replicas", List.of("abc"))).replicas()).containsExactly("abc");
        assertThat(DEFAULTS.with(Map.of("replicas", List.of("b".repeat(63)))).replicas())
                .hasSize(1);
        assertInvalid(Map.of("replicas", List.of("b".repeat(64))), "replicas");
    }

    /** S3 also refuses adjacent periods and names shaped like an IPv4 address. */
    @ParameterizedTest
    @ValueSource(strings = {"my..bucket", "192.168.5.4"})
    void replicasRejectBucketNamesS3Refuses(String bucket) {
        assertInvalid(Map.of("replicas", List.of(bucket)), "replicas");
    }

    @Test
    void nullBucketInReplicasIsInvalidConfig() {
        assertInvalid(Map.of("replicas", Arrays.asList("bucket-a", null)), "replicas");
    }

    @Test
    void constructorChecksValuesToo() {
        assertThatThrownBy(() -> new TopicConfig(-2, -1, CleanupPolicy.DELETE, 1, List.of("abc")))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG));
        assertThatThrownBy(() -> new TopicConfig(1, -1, null, 1, List.of("abc")))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG));
        assertThatThrownBy(() -> new TopicConfig(1, -1, CleanupPolicy.DELETE, 1, null))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG));
    }

    @Test
    void replicasAreCopied() {
        List<String> buckets = new java.util.ArrayList<>(List.of("bucket-a"));
        TopicConfig config = DEFAULTS.with(Map.of("replicas", buckets));
        buckets.add("bucket-b");

        assertThat(config.replicas()).containsExactly("bucket-a");
    }

    private static void assertInvalid(Map<String, ?> settings, String key) {
        assertThatThrownBy(() -> DEFAULTS.with(settings)).isInstanceOfSatisfying(EddyException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
            assertThat(e.details()).containsEntry("key", key);
            assertThat(e.getMessage()).contains(key);
        });
    }
}
