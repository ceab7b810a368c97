package io.eddy.core.storage;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.TopicConfig;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The buckets this deployment may touch ({@code eddy.storage.buckets}, which the infrastructure code sets to the
 * buckets it created, and always the deployment's own primary bucket). A topic's {@code replicas} may name only
 * these; garbage collection and replica repair skip any other bucket, even one an older topic still names, so
 * that a topic admin cannot turn them on another deployment's or tenant's bucket. Immutable and thread-safe.
 *
 * @param names the allowed bucket names, never empty
 */
public record BucketAllowList(Set<String> names) {
    public BucketAllowList {
        if (names == null || names.isEmpty() || names.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("a deployment has at least one bucket, and no null one");
        }
        names = Set.copyOf(names);
    }

    /** The primary bucket and the others configured (duplicates and blanks ignored). */
    public static BucketAllowList of(String primary, Collection<String> others) {
        Set<String> all = new LinkedHashSet<>();
        all.add(primary);
        others.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(all::add);
        return new BucketAllowList(all);
    }

    public static BucketAllowList of(String primary) {
        return of(primary, List.of());
    }

    public boolean allows(String bucket) {
        return names.contains(bucket);
    }

    /** The allowed ones of {@code buckets}, in their order. */
    public List<String> filter(Collection<String> buckets) {
        return buckets.stream().filter(this::allows).toList();
    }

    /** Fails with {@code invalid_config} (key {@code replicas}) when the config names a bucket not allowed. */
    public void check(TopicConfig config) {
        for (String bucket : config.replicas()) {
            if (!allows(bucket)) {
                throw new EddyException(
                        ErrorCode.INVALID_CONFIG,
                        TopicConfig.REPLICAS + " '" + bucket
                                + "' is not one of this deployment's buckets (eddy.storage.buckets)",
                        Map.of("key", TopicConfig.REPLICAS, "bucket", bucket));
            }
        }
    }
}
