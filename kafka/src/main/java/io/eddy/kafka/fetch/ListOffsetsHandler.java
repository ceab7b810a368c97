package io.eddy.kafka.fetch;

import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.model.OffsetSpec;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

/**
 * ListOffsets, every version kafka-clients knows, as a Kafka broker without tiered storage answers it: earliest
 * (-2) and earliest-local (-4) are the log start offset, latest (-1) the high watermark (the last stable offset
 * too: no transactions), max timestamp (-3) the first record with the partition's largest timestamp, latest-tiered
 * (-5) offset -1 with leader epoch -1 (nothing is tiered), any other timestamp the first record at or after it
 * (offset and timestamp -1 when there is none). The earliest and latest offsets a request asks of a topic's
 * partitions come from one read of their heads, not one per partition. Answers carry leader epoch 0, Metadata's.
 * Each partition is answered alone: {@code TOPIC_AUTHORIZATION_FAILED} without any grant on its topic (Kafka's
 * Describe), {@code UNKNOWN_TOPIC_OR_PARTITION}, {@code INVALID_REQUEST} for a partition named twice, the leader
 * epoch errors of {@link LeaderEpochs}. Thread-safe.
 */
public final class ListOffsetsHandler implements ApiHandler {
    /** Answers carry a leader epoch from this version; before, the field must keep its default. */
    private static final short FIRST_WITH_LEADER_EPOCH = 4;

    private final FetchService fetch;
    private final PartitionAnswers errors;

    ListOffsetsHandler(FetchService fetch, PartitionAnswers errors) {
        this.fetch = fetch;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.LIST_OFFSETS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.LIST_OFFSETS.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        ListOffsetsRequestData data = (ListOffsetsRequestData) decoded.body();
        Set<String> seen = new HashSet<>();
        Set<String> twice = new HashSet<>();
        data.topics()
                .forEach(t -> t.partitions().forEach(p -> {
                    String key = t.name() + "/" + p.partitionIndex();
                    if (!seen.add(key)) {
                        twice.add(key);
                    }
                }));
        List<Uni<ListOffsetsTopicResponse>> topics = new ArrayList<>();
        for (ListOffsetsTopic t : data.topics()) {
            boolean allowed = KafkaAccess.mayDescribeTopic(decoded.session(), t.name());
            Map<ListOffsetsPartition, Errors> refusals = new IdentityHashMap<>();
            for (ListOffsetsPartition p : t.partitions()) {
                refusals.put(
                        p,
                        twice.contains(t.name() + "/" + p.partitionIndex())
                                ? Errors.INVALID_REQUEST
                                : !allowed
                                        ? Errors.TOPIC_AUTHORIZATION_FAILED
                                        : LeaderEpochs.check(p.currentLeaderEpoch()));
            }
            // the earliest and latest offsets of the topic's partitions come from one read of their heads
            Map<Integer, Uni<PartitionHead>> heads = fetch.heads(
                    t.name(),
                    t.partitions().stream()
                            .filter(p -> refusals.get(p) == Errors.NONE && BY_HEAD.contains(p.timestamp()))
                            .map(ListOffsetsPartition::partitionIndex)
                            .toList());
            List<Uni<ListOffsetsPartitionResponse>> partitions = t.partitions().stream()
                    .map(p -> refusals.get(p) == Errors.NONE
                            ? answer(t.name(), p, heads)
                            : Uni.createFrom().item(failed(p.partitionIndex(), refusals.get(p))))
                    .toList();
            topics.add(PartitionAnswers.all(partitions)
                    .map(answered ->
                            new ListOffsetsTopicResponse().setName(t.name()).setPartitions(answered)));
        }
        short version = decoded.apiVersion();
        return PartitionAnswers.all(topics).map(answered -> {
            if (version < FIRST_WITH_LEADER_EPOCH) {
                answered.forEach(t -> t.partitions().forEach(p -> p.setLeaderEpoch(ListOffsetsResponse.UNKNOWN_EPOCH)));
            }
            return new ListOffsetsResponseData().setThrottleTimeMs(0).setTopics(answered);
        });
    }

    /** The timestamps answered from the partition's head alone (log start offset, high watermark). */
    private static final Set<Long> BY_HEAD = Set.of(
            ListOffsetsRequest.EARLIEST_TIMESTAMP,
            ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP,
            ListOffsetsRequest.LATEST_TIMESTAMP,
            ListOffsetsRequest.LATEST_TIERED_TIMESTAMP);

    /** {@code heads}: the heads of the topic's partitions asked for a {@link #BY_HEAD} timestamp, read together. */
    private Uni<ListOffsetsPartitionResponse> answer(
            String topic, ListOffsetsPartition p, Map<Integer, Uni<PartitionHead>> heads) {
        int partition = p.partitionIndex();
        long timestamp = p.timestamp();
        Uni<ListOffsetsPartitionResponse> answered;
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            answered = heads.get(partition)
                    .map(h -> found(partition, h.logStartOffset(), ListOffsetsResponse.UNKNOWN_TIMESTAMP));
        } else if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            answered = heads.get(partition)
                    .map(h -> found(partition, h.nextOffset(), ListOffsetsResponse.UNKNOWN_TIMESTAMP));
        } else if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            answered = fetch.maxTimestamp(topic, partition).map(r -> record(partition, r));
        } else if (timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
            // the partition must exist; nothing of it is tiered
            answered = heads.get(partition)
                    .map(ignored -> found(
                                    partition,
                                    ListOffsetsResponse.UNKNOWN_OFFSET,
                                    ListOffsetsResponse.UNKNOWN_TIMESTAMP)
                            .setLeaderEpoch(ListOffsetsResponse.UNKNOWN_EPOCH));
        } else {
            answered = fetch.offsetAt(topic, partition, new OffsetSpec.AtTimestamp(Math.max(0, timestamp)))
                    .flatMap(o -> fetch.fetch(new FetchRequest(topic, partition, o, 1, 1, Duration.ZERO)))
                    .map(read -> record(partition, read.records().stream().findFirst()));
        }
        return answered.onFailure().recoverWithItem(failure -> failed(partition, errors.of(failure)));
    }

    private static ListOffsetsPartitionResponse record(int partition, Optional<Record> found) {
        return found.map(r -> found(partition, r.offset(), r.timestamp()))
                .orElseGet(() ->
                        found(partition, ListOffsetsResponse.UNKNOWN_OFFSET, ListOffsetsResponse.UNKNOWN_TIMESTAMP));
    }

    private static ListOffsetsPartitionResponse found(int partition, long offset, long timestamp) {
        return new ListOffsetsPartitionResponse()
                .setPartitionIndex(partition)
                .setErrorCode(Errors.NONE.code())
                .setOffset(offset)
                .setTimestamp(timestamp)
                .setLeaderEpoch(LeaderEpochs.CURRENT);
    }

    private static ListOffsetsPartitionResponse failed(int partition, Errors error) {
        return new ListOffsetsPartitionResponse()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setOffset(ListOffsetsResponse.UNKNOWN_OFFSET)
                .setTimestamp(ListOffsetsResponse.UNKNOWN_TIMESTAMP)
                .setLeaderEpoch(ListOffsetsResponse.UNKNOWN_EPOCH);
    }
}
