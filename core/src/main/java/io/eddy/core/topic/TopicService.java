package io.eddy.core.topic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.model.TopicConfig;
import io.eddy.core.model.TopicName;
import io.eddy.core.storage.BucketAllowList;
import io.eddy.core.storage.MetadataStore;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Topic administration: create, describe, list, delete; and the topic lookup every produce and fetch makes,
 * from a short-lived cache of topics seen (never of topics missing, so a topic is usable the moment it is
 * created). A delete in this process forgets the topic at once; another process may go on seeing it for up to
 * the cache's time to live, as Kafka clients see deleted topics until their metadata refreshes. Thread-safe.
 */
public final class TopicService {
    private final MetadataStore metadata;
    private final String defaultBucket;
    private final BucketAllowList buckets;
    private final Clock clock;
    private final Cache<String, Topic> known;

    /** Without a cache: every lookup reads the metadata store; topics may name only {@code defaultBucket}. */
    public TopicService(MetadataStore metadata, String defaultBucket, Clock clock) {
        this(metadata, defaultBucket, BucketAllowList.of(defaultBucket), clock, Duration.ZERO);
    }

    /** Topics may name only {@code defaultBucket}. */
    public TopicService(MetadataStore metadata, String defaultBucket, Clock clock, Duration cacheTtl) {
        this(metadata, defaultBucket, BucketAllowList.of(defaultBucket), clock, cacheTtl);
    }

    /**
     * @param defaultBucket the bucket a topic's {@code replicas} defaults to
     * @param buckets       the buckets a topic's {@code replicas} may name
     * @param cacheTtl      how long a looked-up topic is reused (zero: not at all)
     */
    public TopicService(
            MetadataStore metadata, String defaultBucket, BucketAllowList buckets, Clock clock, Duration cacheTtl) {
        this.metadata = metadata;
        this.defaultBucket = defaultBucket;
        this.buckets = buckets;
        this.clock = clock;
        this.known = Caffeine.newBuilder()
                .expireAfterWrite(cacheTtl)
                .maximumSize(cacheTtl.isZero() ? 0 : 10_000)
                .executor(Runnable::run)
                .build();
    }

    /** Creates a topic; invalid input fails the returned Uni (nothing is thrown). */
    public Uni<Topic> create(String name, int partitions, Map<String, ?> config) {
        return planCreate(name, partitions, config)
                .flatMap(topic -> metadata.createTopic(topic).replaceWith(topic));
    }

    /**
     * The topic {@link #create} would make, checked as it checks it (and that the name is free, as a Kafka
     * broker's {@code validate_only} does), without storing anything: for dry runs.
     */
    public Uni<Topic> validateCreate(String name, int partitions, Map<String, ?> config) {
        return planCreate(name, partitions, config)
                .call(topic -> metadata.topic(topic.name().value()).invoke(found -> {
                    if (found.isPresent()) {
                        throw new EddyException(
                                ErrorCode.TOPIC_ALREADY_EXISTS,
                                "topic '" + name + "' already exists",
                                Map.of("topic", name));
                    }
                }));
    }

    /** The config a topic gets for every key it is not given: the defaults of this deployment. */
    public TopicConfig defaults() {
        return TopicConfig.defaults(defaultBucket);
    }

    private Uni<Topic> planCreate(String name, int partitions, Map<String, ?> config) {
        return Uni.createFrom().item(() -> {
            TopicName topicName = new TopicName(name);
            if (partitions < 1 || partitions > Topic.MAX_PARTITIONS) {
                throw new EddyException(
                        ErrorCode.INVALID_PARTITIONS,
                        "partitions must be between 1 and " + Topic.MAX_PARTITIONS + ", not " + partitions,
                        Map.of("partitions", partitions));
            }
            TopicConfig topicConfig = defaults().with(config);
            buckets.check(topicConfig);
            // the store keeps milliseconds: the topic returned is the topic read back later
            return new Topic(
                    topicName,
                    UUID.randomUUID(),
                    partitions,
                    topicConfig,
                    clock.instant().truncatedTo(ChronoUnit.MILLIS));
        });
    }

    /** The topic, or a failed Uni: {@code unknown_topic}, or {@code invalid_topic_name}. */
    public Uni<Topic> require(String name) {
        Topic cached = name == null ? null : known.getIfPresent(name);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return Uni.createFrom()
                .item(() -> new TopicName(name))
                .flatMap(topicName -> metadata.topic(topicName.value()))
                .map(t -> t.orElseThrow(() -> new EddyException(
                        ErrorCode.UNKNOWN_TOPIC, "topic '" + name + "' does not exist", Map.of("topic", name))))
                .invoke(topic -> known.put(name, topic));
    }

    public Uni<List<Topic>> list() {
        return metadata.topics();
    }

    /** Every partition's head as stored now (offsets and size), read afresh: for describing a topic. */
    public Uni<Map<Integer, PartitionHead>> heads(Topic topic) {
        return metadata.heads(
                topic.id(), IntStream.range(0, topic.partitions()).boxed().toList());
    }

    /**
     * Changes a topic's config (the keys given; others keep their values) and/or grows its partition count, as
     * Kafka's alter configs and create partitions: partitions never shrink ({@code invalid_partitions}). Reads
     * the topic afresh, and applies the change again if the topic changed between the read and the write.
     */
    public Uni<Topic> alter(String name, Optional<Integer> partitions, Map<String, ?> config) {
        return Uni.createFrom()
                .item(() -> new TopicName(name))
                .flatMap(n -> alterOnce(n, partitions, config, 0))
                .invoke(() -> known.invalidate(name));
    }

    /** The topic as {@link #alter} would leave it, checked as it checks it, without storing anything. */
    public Uni<Topic> validateAlter(String name, Optional<Integer> partitions, Map<String, ?> config) {
        return Uni.createFrom()
                .item(() -> new TopicName(name))
                .flatMap(n -> metadata.topic(n.value()).map(found -> altered(n, found, partitions, config)));
    }

    private Uni<Topic> alterOnce(TopicName name, Optional<Integer> partitions, Map<String, ?> config, int attempt) {
        return metadata.topic(name.value()).flatMap(found -> {
            Topic before = found.orElseThrow(() -> unknown(name));
            Topic after = altered(name, found, partitions, config);
            return metadata.updateTopic(before, after).flatMap(done -> {
                if (done) {
                    return Uni.createFrom().item(after);
                }
                if (attempt >= 8) {
                    return Uni.createFrom()
                            .failure(new EddyException(
                                    ErrorCode.METADATA_UNAVAILABLE,
                                    "topic '" + name + "' kept changing while it was altered; retry"));
                }
                return alterOnce(name, partitions, config, attempt + 1);
            });
        });
    }

    private Topic altered(TopicName name, Optional<Topic> found, Optional<Integer> partitions, Map<String, ?> config) {
        Topic before = found.orElseThrow(() -> unknown(name));
        int count = partitions.orElse(before.partitions());
        if (count < before.partitions() || count > Topic.MAX_PARTITIONS) {
            throw new EddyException(
                    ErrorCode.INVALID_PARTITIONS,
                    "partitions can only grow, up to " + Topic.MAX_PARTITIONS + ": topic '" + name + "' has "
                            + before.partitions() + ", not " + count,
                    Map.of("partitions", count, "current", before.partitions()));
        }
        TopicConfig altered = before.config().with(config);
        if (config.containsKey(TopicConfig.REPLICAS)) {
            buckets.check(altered); // a topic stored before the allow-list keeps its buckets until they change
        }
        return new Topic(before.name(), before.id(), count, altered, before.createdAt());
    }

    private static EddyException unknown(TopicName name) {
        return new EddyException(
                ErrorCode.UNKNOWN_TOPIC, "topic '" + name + "' does not exist", Map.of("topic", name.value()));
    }

    public Uni<Topic> delete(String name) {
        return require(name)
                .flatMap(t -> metadata.deleteTopic(t).replaceWith(t))
                .invoke(() -> known.invalidate(name));
    }

    /** Fails with {@code unknown_partition} unless {@code partition} is one of the topic's partitions. */
    public static void checkPartition(Topic topic, int partition) {
        if (!topic.hasPartition(partition)) {
            throw new EddyException(
                    ErrorCode.UNKNOWN_PARTITION,
                    "topic '" + topic.name() + "' has " + topic.partitions() + " partitions; there is no partition "
                            + partition,
                    Map.of("topic", topic.name().value(), "partition", partition, "partitions", topic.partitions()));
        }
    }
}
