package io.eddy.kafka.group;

import io.eddy.core.auth.Operation;
import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.GroupId;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.group.ClassicCoordinator.SyncDecision;
import io.eddy.kafka.group.ClassicGroupRunner.Step;
import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * SyncGroup (classic protocol), every version: the leader hands in the assignment its client-side assignor
 * computed, which the group keeps (decoded too, for Eddy's description, when it is Kafka's consumer protocol);
 * every member gets its own part. A follower that comes before the leader waits for it, reading the group until
 * the assignment is there or the group has moved on ({@code REBALANCE_IN_PROGRESS}). Needs consume on the group.
 * Thread-safe.
 */
final class SyncGroupHandler implements ApiHandler {
    private static final long GRACE_MS = 5_000;

    private final ClassicGroupRunner runner;
    private final KafkaErrors errors;

    SyncGroupHandler(ClassicGroupRunner runner, KafkaErrors errors) {
        this.runner = runner;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SYNC_GROUP;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.SYNC_GROUP.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.SYNC_GROUP.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        SyncGroupRequestData data = (SyncGroupRequestData) request.body();
        if (!KafkaAccess.mayGroup(request.session(), Operation.CONSUME, data.groupId())) {
            return Uni.createFrom().item(error(Errors.GROUP_AUTHORIZATION_FAILED));
        }
        GroupId group;
        try {
            group = new GroupId(data.groupId());
        } catch (RuntimeException e) {
            return Uni.createFrom().item(error(errors.of(e)));
        }
        Map<String, byte[]> assignments = new HashMap<>();
        data.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        Optional<String> instanceId = Optional.ofNullable(data.groupInstanceId());
        return runner.update(group, (g, now) -> {
                    SyncDecision decision = runner.coordinator()
                            .sync(
                                    g,
                                    data.memberId(),
                                    instanceId,
                                    data.generationId(),
                                    Optional.ofNullable(data.protocolType()),
                                    Optional.ofNullable(data.protocolName()),
                                    assignments,
                                    bytes -> ConsumerProtocolView.partitions(
                                            g.protocolType().orElse(""), bytes),
                                    now);
                    return new Step<>(decision instanceof SyncDecision.Assigned a ? a.group() : g, decision);
                })
                .flatMap(step -> {
                    SyncDecision decision = step.result();
                    if (decision instanceof SyncDecision.Refused r) {
                        return Uni.createFrom().item(error(r.error()));
                    }
                    if (decision instanceof SyncDecision.Assigned a) {
                        return Uni.createFrom().item(assigned(step.after(), a.assignment()));
                    }
                    return awaitLeader(group, step.after(), data.memberId(), data.generationId());
                })
                .onFailure()
                .recoverWithItem(failure -> error(errors.of(failure)));
    }

    private Uni<ApiMessage> awaitLeader(GroupId group, ClassicGroup now, String memberId, int generation) {
        long deadline = Math.max(now.deadlineMs(), runner.now()) + GRACE_MS;
        return runner.await(
                group,
                deadline,
                g -> {
                    if (g.member(memberId).isEmpty()) {
                        return Optional.of(error(Errors.UNKNOWN_MEMBER_ID));
                    }
                    if (g.generation() != generation || g.phase() == ClassicGroup.Phase.PREPARING_REBALANCE) {
                        return Optional.of(error(Errors.REBALANCE_IN_PROGRESS));
                    }
                    return g.phase() == ClassicGroup.Phase.STABLE
                            ? Optional.of(assigned(g, g.members().get(memberId).assignment()))
                            : Optional.empty();
                },
                () -> error(Errors.REBALANCE_IN_PROGRESS));
    }

    private static ApiMessage assigned(ClassicGroup g, byte[] assignment) {
        return new SyncGroupResponseData()
                .setThrottleTimeMs(0)
                .setErrorCode(Errors.NONE.code())
                .setProtocolType(g.protocolType().orElse(null))
                .setProtocolName(g.protocolName().orElse(null))
                .setAssignment(assignment);
    }

    private static ApiMessage error(Errors error) {
        return new SyncGroupResponseData()
                .setThrottleTimeMs(0)
                .setErrorCode(error.code())
                .setAssignment(new byte[0]);
    }
}
