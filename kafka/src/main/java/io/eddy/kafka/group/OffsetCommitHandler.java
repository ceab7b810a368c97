package io.eddy.kafka.group;

import io.eddy.core.auth.Operation;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicMember;
import io.eddy.core.group.CommittedOffset;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.TopicPartition;
import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit, every version, into the group's committed offsets (the ones Eddy's HTTP API shows and moves):
 * <ul>
 *   <li>generation -1 with no member id: Kafka's "simple" commit (Admin's alterConsumerGroupOffsets,
 *       {@code kafka-consumer-groups --reset-offsets}, a consumer that assigns itself), only while the group has
 *       no live members ({@code UNKNOWN_MEMBER_ID} else); it creates the group when needed;</li>
 *   <li>a member of the classic group: fenced by its generation ({@code ILLEGAL_GENERATION}) and its instance
 *       id, refused while the leader's assignment is awaited ({@code REBALANCE_IN_PROGRESS}), as a broker;</li>
 *   <li>a member of Eddy's (KIP-848) group: its member epoch, through core's epoch-fenced commit.</li>
 * </ul>
 * Per partition: consume on the topic, the partition must exist, metadata at most 4096 characters. Needs
 * consume on the group. Thread-safe.
 */
final class OffsetCommitHandler implements ApiHandler {
    private final GroupService groups;
    private final TopicService topics;
    private final KafkaErrors errors;
    private final Clock clock;

    OffsetCommitHandler(GroupService groups, TopicService topics, KafkaErrors errors, Clock clock) {
        this.groups = groups;
        this.topics = topics;
        this.errors = errors;
        this.clock = clock;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.OFFSET_COMMIT.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.OFFSET_COMMIT.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        OffsetCommitRequestData data = (OffsetCommitRequestData) request.body();
        List<Errors[]> results = new ArrayList<>();
        data.topics().forEach(t -> results.add(new Errors[t.partitions().size()]));
        if (!KafkaAccess.mayGroup(request.session(), Operation.CONSUME, data.groupId())) {
            return Uni.createFrom().item(all(data, Errors.GROUP_AUTHORIZATION_FAILED));
        }
        GroupId group;
        try {
            group = new GroupId(data.groupId());
        } catch (RuntimeException e) {
            return Uni.createFrom().item(all(data, errors.of(e)));
        }
        return checked(request, data, results)
                .flatMap(valid -> valid.isEmpty()
                        ? Uni.createFrom().item(Errors.NONE)
                        : commit(group, data, valid)
                                .replaceWith(Errors.NONE)
                                .onFailure()
                                .recoverWithItem(this::commitError))
                .map(outcome -> {
                    results.forEach(each -> {
                        for (int i = 0; i < each.length; i++) {
                            each[i] = each[i] == null ? outcome : each[i];
                        }
                    });
                    return respond(data, results);
                });
    }

    /**
     * A commit's failure as Kafka's coordinator answers it: a KIP-848 member whose epoch is not the group's gets
     * {@code STALE_MEMBER_EPOCH} (its client retries with the epoch of its next heartbeat), where a heartbeat would
     * get {@code FENCED_MEMBER_EPOCH}; everything else as the shared table says.
     */
    private Errors commitError(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof EddyException e && e.code() == ErrorCode.STALE_MEMBER_EPOCH) {
            return Errors.STALE_MEMBER_EPOCH;
        }
        return errors.of(failure);
    }

    /**
     * The partitions that may be committed, in request order; {@code results} gets every partition, with its
     * error or (for the valid ones) null until the commit's outcome is known.
     */
    private Uni<List<CommittedOffset>> checked(
            DecodedRequest request, OffsetCommitRequestData data, List<Errors[]> results) {
        List<Uni<Optional<Topic>>> lookups = new ArrayList<>();
        for (OffsetCommitRequestTopic t : data.topics()) {
            lookups.add(topics.require(t.name()).map(Optional::of).onFailure().recoverWithItem(Optional.empty()));
        }
        Uni<List<Optional<Topic>>> found = lookups.isEmpty()
                ? Uni.createFrom().item(List.of())
                : Uni.join().all(lookups).andFailFast();
        return found.map(list -> {
            long now = clock.millis();
            List<CommittedOffset> valid = new ArrayList<>();
            for (int i = 0; i < data.topics().size(); i++) {
                OffsetCommitRequestTopic t = data.topics().get(i);
                boolean allowed = KafkaAccess.mayTopic(request.session(), Operation.CONSUME, t.name());
                for (int j = 0; j < t.partitions().size(); j++) {
                    OffsetCommitRequestPartition p = t.partitions().get(j);
                    String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
                    Errors error = null;
                    if (!allowed) {
                        error = Errors.TOPIC_AUTHORIZATION_FAILED;
                    } else if (list.get(i).isEmpty()
                            || p.partitionIndex() < 0
                            || p.partitionIndex() >= list.get(i).get().partitions()) {
                        error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    } else if (metadata.length() > CommittedOffset.MAX_METADATA_CHARS) {
                        error = Errors.OFFSET_METADATA_TOO_LARGE;
                    } else if (p.committedOffset() < 0) {
                        error = Errors.INVALID_COMMIT_OFFSET_SIZE;
                    } else {
                        valid.add(new CommittedOffset(
                                new TopicPartition(t.name(), p.partitionIndex()),
                                p.committedOffset(),
                                metadata,
                                data.generationIdOrMemberEpoch(),
                                now));
                    }
                    results.get(i)[j] = error;
                }
            }
            return valid;
        });
    }

    private Uni<Void> commit(GroupId group, OffsetCommitRequestData data, List<CommittedOffset> offsets) {
        int generation = data.generationIdOrMemberEpoch();
        String memberId = data.memberId();
        Optional<String> instanceId = Optional.ofNullable(data.groupInstanceId());
        if (generation < 0 && memberId.isEmpty() && instanceId.isEmpty()) {
            return simple(group, offsets);
        }
        return ClassicGroupRunner.retryConflicts(() -> groups.classic()
                .load(group)
                .flatMap(classic -> {
                    Optional<ClassicMember> member = classic.member(memberId);
                    if (member.isPresent()) {
                        Errors refused = classicCheck(classic, member.get(), instanceId, generation);
                        if (refused != Errors.NONE) {
                            return Uni.createFrom().failure(refused.exception());
                        }
                        return groups.classic().commit(group, memberId, generation, offsets);
                    }
                    if (instanceId.flatMap(classic::byInstance).isPresent()) {
                        return Uni.createFrom().failure(Errors.FENCED_INSTANCE_ID.exception());
                    }
                    // not a classic member: one of Eddy's own (KIP-848) members, fenced by its member epoch
                    return groups.commit(group.value(), memberId, generation, offsets)
                            .replaceWithVoid();
                }));
    }

    private static Errors classicCheck(
            ClassicGroup g, ClassicMember member, Optional<String> instanceId, int generation) {
        if (instanceId.isPresent() && !instanceId.equals(member.instanceId())) {
            return Errors.FENCED_INSTANCE_ID;
        }
        if (generation != g.generation()) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (g.phase() == ClassicGroup.Phase.COMPLETING_REBALANCE) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return Errors.NONE;
    }

    /** A commit from outside the group's membership: only while it has no live members, classic or Eddy's. */
    private Uni<Void> simple(GroupId group, List<CommittedOffset> offsets) {
        return ClassicGroupRunner.retryConflicts(() -> Uni.combine()
                .all()
                .unis(groups.classic().eddyState(group), groups.classic().load(group))
                .asTuple()
                .flatMap(both -> {
                    long now = clock.millis();
                    if (both.getItem1().hasLiveMembers(now) || both.getItem2().hasLiveMembers(now)) {
                        return Uni.createFrom().failure(Errors.UNKNOWN_MEMBER_ID.exception());
                    }
                    return groups.classic().commitEmpty(both.getItem1(), both.getItem2(), offsets);
                }));
    }

    private static ApiMessage all(OffsetCommitRequestData data, Errors error) {
        List<Errors[]> results = new ArrayList<>();
        data.topics().forEach(t -> {
            Errors[] each = new Errors[t.partitions().size()];
            java.util.Arrays.fill(each, error);
            results.add(each);
        });
        return respond(data, results);
    }

    private static ApiMessage respond(OffsetCommitRequestData data, List<Errors[]> results) {
        OffsetCommitResponseData response = new OffsetCommitResponseData().setThrottleTimeMs(0);
        for (int i = 0; i < data.topics().size(); i++) {
            OffsetCommitRequestTopic t = data.topics().get(i);
            OffsetCommitResponseTopic out = new OffsetCommitResponseTopic().setName(t.name());
            for (int j = 0; j < t.partitions().size(); j++) {
                out.partitions()
                        .add(new OffsetCommitResponsePartition()
                                .setPartitionIndex(t.partitions().get(j).partitionIndex())
                                .setErrorCode(results.get(i)[j].code()));
            }
            response.topics().add(out);
        }
        return response;
    }
}
