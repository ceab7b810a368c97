package io.eddy.kafka.group;

import io.eddy.core.auth.Operation;
import io.eddy.core.error.GroupConflictException;
import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicMember;
import io.eddy.core.group.GroupId;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Heartbeat (classic protocol), every version: keeps a member's session going and tells it when it must rejoin
 * ({@code REBALANCE_IN_PROGRESS}), or that it is of an old generation ({@code ILLEGAL_GENERATION}), unknown or
 * fenced. A heartbeat that changes nothing else writes only the member's session expiry. Needs consume on the
 * group. Thread-safe.
 */
final class HeartbeatHandler implements ApiHandler {
    private final ClassicGroupRunner runner;
    private final KafkaErrors errors;

    HeartbeatHandler(ClassicGroupRunner runner, KafkaErrors errors) {
        this.runner = runner;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.HEARTBEAT;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.HEARTBEAT.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.HEARTBEAT.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        HeartbeatRequestData data = (HeartbeatRequestData) request.body();
        if (!KafkaAccess.mayGroup(request.session(), Operation.CONSUME, data.groupId())) {
            return Uni.createFrom().item(response(Errors.GROUP_AUTHORIZATION_FAILED));
        }
        GroupId group;
        try {
            group = new GroupId(data.groupId());
        } catch (RuntimeException e) {
            return Uni.createFrom().item(response(errors.of(e)));
        }
        Optional<String> instanceId = Optional.ofNullable(data.groupInstanceId());
        return ClassicGroupRunner.retryConflicts(() -> runner.groups()
                        .load(group)
                        .flatMap(loaded -> {
                            long now = runner.now();
                            ClassicGroup advanced = runner.coordinator().advance(loaded, now);
                            Errors error = runner.coordinator()
                                    .heartbeat(advanced, data.memberId(), instanceId, data.generationId());
                            boolean alive = error == Errors.NONE || error == Errors.REBALANCE_IN_PROGRESS;
                            if (!alive) {
                                return advanced == loaded
                                        ? Uni.createFrom().item(error)
                                        : runner.groups()
                                                .save(loaded, advanced.nextVersion())
                                                .replaceWith(error);
                            }
                            ClassicMember member = advanced.members().get(data.memberId());
                            long expiresAt = now + member.sessionTimeoutMs();
                            if (advanced == loaded) {
                                return runner.groups()
                                        .touch(group, data.memberId(), data.generationId(), expiresAt)
                                        .map(touched -> {
                                            if (!touched) {
                                                throw new GroupConflictException(
                                                        "group " + group + " changed during a heartbeat", null);
                                            }
                                            return error;
                                        });
                            }
                            ClassicGroup written =
                                    advanced.with(member.expiringAt(expiresAt)).nextVersion();
                            return runner.groups().save(loaded, written).replaceWith(error);
                        }))
                .map(HeartbeatHandler::response)
                .onFailure()
                .recoverWithItem(failure -> response(errors.of(failure)));
    }

    private static ApiMessage response(Errors error) {
        return new HeartbeatResponseData().setThrottleTimeMs(0).setErrorCode(error.code());
    }
}
