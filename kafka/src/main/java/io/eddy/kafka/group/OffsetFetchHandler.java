package io.eddy.kafka.group;

import io.eddy.core.auth.Operation;
import io.eddy.core.group.CommittedOffset;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.TopicPartition;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch, every version: one group (up to v7) or a batch (v8+), the named partitions or (topics null) every
 * partition the group has committed on. A partition without a committed offset answers -1, as a broker; no leader
 * epoch is kept (-1). Eddy has no transactions, so {@code require_stable} never finds an offset pending. Needs
 * consume on the group ({@code GROUP_AUTHORIZATION_FAILED} for the group) and on each topic (named topics answer
 * {@code TOPIC_AUTHORIZATION_FAILED}; when fetching all, topics without the grant are left out). Thread-safe.
 */
final class OffsetFetchHandler implements ApiHandler {
    private final GroupService groups;
    private final KafkaErrors errors;

    OffsetFetchHandler(GroupService groups, KafkaErrors errors) {
        this.groups = groups;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.OFFSET_FETCH.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.OFFSET_FETCH.latestVersion(false);
    }

    /** One group's answer: its error, and per topic (in order) per partition its offset or error. */
    private record Fetched(Errors error, Map<String, List<Partition>> topics) {}

    private record Partition(int index, long offset, String metadata, Errors error) {}

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        OffsetFetchRequestData data = (OffsetFetchRequestData) request.body();
        if (request.apiVersion() >= 8) {
            List<Uni<OffsetFetchResponseGroup>> each = new ArrayList<>();
            for (OffsetFetchRequestGroup g : data.groups()) {
                Optional<List<OffsetFetchRequestTopics>> topics = Optional.ofNullable(g.topics());
                Optional<Map<String, List<Integer>>> named = topics.map(list -> {
                    Map<String, List<Integer>> out = new java.util.LinkedHashMap<>();
                    list.forEach(t -> out.computeIfAbsent(t.name(), n -> new ArrayList<>())
                            .addAll(t.partitionIndexes()));
                    return out;
                });
                each.add(fetch(request, g.groupId(), named).map(f -> group(g.groupId(), f)));
            }
            if (each.isEmpty()) {
                return Uni.createFrom().item(new OffsetFetchResponseData().setThrottleTimeMs(0));
            }
            return Uni.join().all(each).andFailFast().map(list -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData().setThrottleTimeMs(0);
                response.groups().addAll(list);
                return response;
            });
        }
        Optional<Map<String, List<Integer>>> named = Optional.ofNullable(data.topics())
                .map(list -> {
                    Map<String, List<Integer>> out = new java.util.LinkedHashMap<>();
                    list.forEach(t -> out.computeIfAbsent(t.name(), n -> new ArrayList<>())
                            .addAll(t.partitionIndexes()));
                    return out;
                });
        return fetch(request, data.groupId(), named).map(f -> single(f, request.apiVersion()));
    }

    private Uni<Fetched> fetch(DecodedRequest request, String groupName, Optional<Map<String, List<Integer>>> named) {
        if (!KafkaAccess.mayGroup(request.session(), Operation.CONSUME, groupName)) {
            return Uni.createFrom().item(failed(Errors.GROUP_AUTHORIZATION_FAILED, named));
        }
        GroupId group;
        try {
            group = new GroupId(groupName);
        } catch (RuntimeException e) {
            return Uni.createFrom().item(failed(errors.of(e), named));
        }
        if (named.isEmpty()) {
            return groups.classic()
                    .offsets(group)
                    .map(all -> {
                        Map<String, List<Partition>> out = new TreeMap<>();
                        all.values().stream()
                                .filter(c -> KafkaAccess.mayTopic(
                                        request.session(),
                                        Operation.CONSUME,
                                        c.partition().topic()))
                                .forEach(c -> out.computeIfAbsent(c.partition().topic(), t -> new ArrayList<>())
                                        .add(found(c.partition().partition(), c)));
                        return new Fetched(Errors.NONE, out);
                    })
                    .onFailure()
                    .recoverWithItem(failure -> failed(errors.of(failure), named));
        }
        List<TopicPartition> wanted = new ArrayList<>();
        named.get().forEach((topic, partitions) -> {
            if (!topic.isBlank() && KafkaAccess.mayTopic(request.session(), Operation.CONSUME, topic)) {
                partitions.stream().filter(p -> p >= 0).forEach(p -> wanted.add(new TopicPartition(topic, p)));
            }
        });
        return groups.classic()
                .offsets(group, wanted)
                .map(committed -> {
                    Map<String, List<Partition>> out = new java.util.LinkedHashMap<>();
                    named.get().forEach((topic, partitions) -> {
                        boolean allowed = KafkaAccess.mayTopic(request.session(), Operation.CONSUME, topic);
                        List<Partition> list = new ArrayList<>();
                        for (int p : partitions) {
                            if (!allowed) {
                                list.add(new Partition(p, -1, "", Errors.TOPIC_AUTHORIZATION_FAILED));
                                continue;
                            }
                            CommittedOffset c =
                                    topic.isBlank() || p < 0 ? null : committed.get(new TopicPartition(topic, p));
                            list.add(c == null ? new Partition(p, -1, "", Errors.NONE) : found(p, c));
                        }
                        out.put(topic, list);
                    });
                    return new Fetched(Errors.NONE, out);
                })
                .onFailure()
                .recoverWithItem(failure -> failed(errors.of(failure), named));
    }

    private static Partition found(int index, CommittedOffset c) {
        return new Partition(index, c.offset(), c.metadata(), Errors.NONE);
    }

    private static Fetched failed(Errors error, Optional<Map<String, List<Integer>>> named) {
        Map<String, List<Partition>> out = new java.util.LinkedHashMap<>();
        named.ifPresent(n -> n.forEach((topic, partitions) -> out.put(
                topic,
                partitions.stream().map(p -> new Partition(p, -1, "", error)).toList())));
        return new Fetched(error, out);
    }

    private static OffsetFetchResponseGroup group(String groupId, Fetched f) {
        OffsetFetchResponseGroup out = new OffsetFetchResponseGroup()
                .setGroupId(groupId)
                .setErrorCode(f.error().code());
        f.topics().forEach((topic, partitions) -> {
            OffsetFetchResponseTopics t = new OffsetFetchResponseTopics().setName(topic);
            partitions.forEach(p -> t.partitions()
                    .add(new OffsetFetchResponsePartitions()
                            .setPartitionIndex(p.index())
                            .setCommittedOffset(p.offset())
                            .setCommittedLeaderEpoch(-1)
                            .setMetadata(p.metadata())
                            .setErrorCode(p.error().code())));
            out.topics().add(t);
        });
        return out;
    }

    /** Up to v7: one group; from v2 its error is top-level too (v1 has only the partitions' errors). */
    private static ApiMessage single(Fetched f, short version) {
        OffsetFetchResponseData response = new OffsetFetchResponseData().setThrottleTimeMs(0);
        if (version >= 2) {
            response.setErrorCode(f.error().code());
        }
        f.topics().forEach((topic, partitions) -> {
            OffsetFetchResponseTopic t = new OffsetFetchResponseTopic().setName(topic);
            partitions.forEach(p -> t.partitions()
                    .add(new OffsetFetchResponsePartition()
                            .setPartitionIndex(p.index())
                            .setCommittedOffset(p.offset())
                            .setCommittedLeaderEpoch(-1)
                            .setMetadata(p.metadata())
                            .setErrorCode((version < 2 && f.error() != Errors.NONE ? f.error() : p.error()).code())));
            response.topics().add(t);
        });
        return response;
    }
}
