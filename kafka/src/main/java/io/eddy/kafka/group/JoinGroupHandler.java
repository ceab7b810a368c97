package io.eddy.kafka.group;

import io.eddy.core.auth.Operation;
import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicMember;
import io.eddy.core.group.ClassicProtocol;
import io.eddy.core.group.GroupId;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.group.ClassicCoordinator.JoinDecision;
import io.eddy.kafka.group.ClassicGroupRunner.Step;
import io.smallrye.mutiny.Uni;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * JoinGroup (classic protocol), every version: a member joins or rejoins; the answer waits until the rebalance
 * it joined has completed (every member rejoined, or the rebalance timeout), whichever instance completes it.
 * The leader's answer lists every member with its metadata for the chosen protocol. A group whose Eddy
 * (server-side) members are live is answered {@code INCONSISTENT_GROUP_PROTOCOL}: one protocol per group at a
 * time. Needs consume on the group. Thread-safe.
 */
final class JoinGroupHandler implements ApiHandler {
    /** A waiting join gives up this long after the rebalance should have completed (it has, by then). */
    private static final long GRACE_MS = 5_000;

    private final ClassicGroupRunner runner;
    private final KafkaErrors errors;

    JoinGroupHandler(ClassicGroupRunner runner, KafkaErrors errors) {
        this.runner = runner;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.JOIN_GROUP;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.JOIN_GROUP.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.JOIN_GROUP.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        JoinGroupRequestData data = (JoinGroupRequestData) request.body();
        short version = request.apiVersion();
        if (!KafkaAccess.mayGroup(request.session(), Operation.CONSUME, data.groupId())) {
            return Uni.createFrom().item(error(Errors.GROUP_AUTHORIZATION_FAILED, data.memberId()));
        }
        GroupId group;
        try {
            group = new GroupId(data.groupId());
        } catch (RuntimeException e) {
            return Uni.createFrom().item(error(errors.of(e), data.memberId()));
        }
        List<ClassicProtocol> protocols = new ArrayList<>();
        data.protocols().forEach(p -> protocols.add(new ClassicProtocol(p.name(), p.metadata())));
        int rebalanceTimeout =
                version == 0 || data.rebalanceTimeoutMs() <= 0 ? data.sessionTimeoutMs() : data.rebalanceTimeoutMs();
        ClassicCoordinator.Join join = new ClassicCoordinator.Join(
                data.memberId(),
                request.header().clientId() + "-" + UUID.randomUUID(),
                Optional.ofNullable(data.groupInstanceId()),
                request.header().clientId(),
                host(request.session().remote()),
                data.sessionTimeoutMs(),
                Math.max(1, rebalanceTimeout),
                data.protocolType(),
                protocols,
                version >= 4,
                protocols.isEmpty()
                        ? new java.util.TreeSet<>()
                        : ConsumerProtocolView.topics(
                                data.protocolType(), protocols.get(0).metadata()));
        return runner.groups()
                .eddyState(group)
                .flatMap(eddy -> {
                    if (eddy.hasLiveMembers(runner.now())) {
                        return Uni.createFrom().item(error(Errors.INCONSISTENT_GROUP_PROTOCOL, data.memberId()));
                    }
                    return runner.update(group, (g, now) -> decide(g, join, now))
                            .flatMap(step -> answer(group, step, version, join));
                })
                .onFailure()
                .recoverWithItem(failure -> error(errors.of(failure), data.memberId()));
    }

    private Step<JoinDecision> decide(ClassicGroup g, ClassicCoordinator.Join join, long now) {
        JoinDecision decision = runner.coordinator().join(g, join, now);
        ClassicGroup after = g;
        if (decision instanceof JoinDecision.MemberIdRequired m) {
            after = m.group();
        } else if (decision instanceof JoinDecision.Answer a) {
            after = a.group();
        } else if (decision instanceof JoinDecision.Await a) {
            after = a.group();
        }
        return new Step<>(after, decision);
    }

    private Uni<ApiMessage> answer(
            GroupId group, Step<JoinDecision> step, short version, ClassicCoordinator.Join join) {
        JoinDecision decision = step.result();
        if (decision instanceof JoinDecision.Refused r) {
            return Uni.createFrom().item(error(r.error(), join.memberId()));
        }
        if (decision instanceof JoinDecision.MemberIdRequired m) {
            return Uni.createFrom().item(error(Errors.MEMBER_ID_REQUIRED, m.memberId()));
        }
        if (decision instanceof JoinDecision.Answer a) {
            return Uni.createFrom().item(joined(step.after(), a.memberId(), version));
        }
        JoinDecision.Await a = (JoinDecision.Await) decision;
        return runner.await(
                group,
                runner.now() + join.rebalanceTimeoutMs() + GRACE_MS,
                g -> {
                    if (g.member(a.memberId()).isEmpty()) {
                        return Optional.of(error(Errors.UNKNOWN_MEMBER_ID, a.memberId()));
                    }
                    return g.generation() > a.joinedAt()
                            ? Optional.of(joined(g, a.memberId(), version))
                            : Optional.empty();
                },
                () -> error(Errors.REBALANCE_IN_PROGRESS, a.memberId()));
    }

    /** The answer for {@code memberId} in {@code g}'s generation; the leader's lists every member. */
    private static ApiMessage joined(ClassicGroup g, String memberId, short version) {
        JoinGroupResponseData response = new JoinGroupResponseData()
                .setThrottleTimeMs(0)
                .setErrorCode(Errors.NONE.code())
                .setGenerationId(g.generation())
                .setProtocolType(g.protocolType().orElse(null))
                .setProtocolName(g.protocolName().orElse(version >= 7 ? null : ""))
                .setLeader(g.leader().orElse(""))
                .setMemberId(memberId);
        if (g.leader().filter(memberId::equals).isPresent() && g.protocolName().isPresent()) {
            String protocol = g.protocolName().get();
            for (ClassicMember m : g.members().values()) {
                response.members()
                        .add(new JoinGroupResponseMember()
                                .setMemberId(m.memberId())
                                .setGroupInstanceId(m.instanceId().orElse(null))
                                .setMetadata(m.metadata(protocol).orElse(new byte[0])));
            }
        }
        return response;
    }

    private static ApiMessage error(Errors error, String memberId) {
        return new JoinGroupResponseData()
                .setThrottleTimeMs(0)
                .setErrorCode(error.code())
                .setGenerationId(-1)
                .setProtocolName("")
                .setLeader("")
                .setMemberId(memberId);
    }

    static String host(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return "/" + inet.getAddress().getHostAddress();
        }
        return String.valueOf(remote);
    }
}
