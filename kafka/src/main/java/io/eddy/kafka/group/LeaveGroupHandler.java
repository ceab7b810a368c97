package io.eddy.kafka.group;

import io.eddy.core.auth.Operation;
import io.eddy.core.group.GroupId;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.group.ClassicCoordinator.Leaving;
import io.eddy.kafka.group.ClassicGroupRunner.Step;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * LeaveGroup (classic protocol), every version: one member (v0-2) or a batch (v3+, by member id or static
 * instance id, each with its own error); the group rebalances without them at once. Needs consume on the group.
 * Thread-safe.
 */
final class LeaveGroupHandler implements ApiHandler {
    private final ClassicGroupRunner runner;
    private final KafkaErrors errors;

    LeaveGroupHandler(ClassicGroupRunner runner, KafkaErrors errors) {
        this.runner = runner;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LEAVE_GROUP;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.LEAVE_GROUP.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.LEAVE_GROUP.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        LeaveGroupRequestData data = (LeaveGroupRequestData) request.body();
        boolean batched = request.apiVersion() >= 3;
        List<MemberIdentity> members =
                batched ? data.members() : List.of(new MemberIdentity().setMemberId(data.memberId()));
        if (!KafkaAccess.mayGroup(request.session(), Operation.CONSUME, data.groupId())) {
            return Uni.createFrom().item(failed(Errors.GROUP_AUTHORIZATION_FAILED));
        }
        GroupId group;
        try {
            group = new GroupId(data.groupId());
        } catch (RuntimeException e) {
            return Uni.createFrom().item(failed(errors.of(e)));
        }
        List<Leaving> leaving = members.stream()
                .map(m -> new Leaving(m.memberId(), Optional.ofNullable(m.groupInstanceId())))
                .toList();
        return runner.update(group, (g, now) -> {
                    ClassicCoordinator.Left left = runner.coordinator().leave(g, leaving, now);
                    return new Step<>(left.group(), left.errors());
                })
                .map(step -> batched
                        ? batch(members, step.result())
                        : failed(step.result().get(0)))
                .onFailure()
                .recoverWithItem(failure -> failed(errors.of(failure)));
    }

    private static ApiMessage batch(List<MemberIdentity> members, List<Errors> each) {
        List<MemberResponse> out = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            out.add(new MemberResponse()
                    .setMemberId(members.get(i).memberId())
                    .setGroupInstanceId(members.get(i).groupInstanceId())
                    .setErrorCode(each.get(i).code()));
        }
        return new LeaveGroupResponseData()
                .setThrottleTimeMs(0)
                .setErrorCode(Errors.NONE.code())
                .setMembers(out);
    }

    private static ApiMessage failed(Errors error) {
        return new LeaveGroupResponseData().setThrottleTimeMs(0).setErrorCode(error.code());
    }
}
