package io.eddy.kafka.consumer;

import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicMember;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeGroups, the classic protocol's describe, as a Kafka broker answers it: a classic group with its state,
 * protocol and members (their metadata and assignments once it is stable); a group whose members speak the
 * consumer protocol, like one that does not exist, is {@code Dead} (from v6 with {@code GROUP_ID_NOT_FOUND} and
 * a message saying why; ConsumerGroupDescribe describes it); a group with no live member is {@code Empty}, of
 * protocol type {@code consumer}, so that a client of any age sees its committed offsets; one the principal may not
 * describe is {@code GROUP_AUTHORIZATION_FAILED}. Thread-safe: stateless.
 */
final class DescribeGroupsHandler implements ApiHandler {
    static final String DEAD = "Dead";
    static final String EMPTY = "Empty";
    /** The version from which a group that is not found carries {@code GROUP_ID_NOT_FOUND}. */
    static final short GROUP_NOT_FOUND_VERSION = 6;
    /** The version from which a described group carries its authorized operations. */
    static final short AUTHORIZED_OPERATIONS_VERSION = 3;

    private final GroupReader groups;

    DescribeGroupsHandler(GroupReader groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DESCRIBE_GROUPS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DESCRIBE_GROUPS.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        DescribeGroupsRequestData request = (DescribeGroupsRequestData) decoded.body();
        if (request.groups().isEmpty()) {
            return Uni.createFrom().item(new DescribeGroupsResponseData());
        }
        List<Uni<DescribedGroup>> each = request.groups().stream()
                .map(group -> describe(decoded, request.includeAuthorizedOperations(), group))
                .toList();
        return Uni.join().all(each).andFailFast().map(described -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            response.groups().addAll(described);
            return response;
        });
    }

    private Uni<DescribedGroup> describe(DecodedRequest decoded, boolean withOperations, String group) {
        KafkaSession session = decoded.session();
        short version = decoded.apiVersion();
        if (!GroupAccess.mayDescribe(session, group)) {
            return Uni.createFrom()
                    .item(new DescribedGroup()
                            .setGroupId(group)
                            .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        return groups.load(group).map(found -> {
            DescribedGroup out = described(group, found, version);
            if (withOperations && version >= AUTHORIZED_OPERATIONS_VERSION && out.errorCode() == 0) {
                out.setAuthorizedOperations(GroupAccess.authorizedOperations(session, group));
            }
            return out;
        });
    }

    static DescribedGroup described(String group, Optional<StoredGroup> found, short version) {
        if (found.isEmpty()) {
            return dead(group, "Group " + group + " not found.", version);
        }
        StoredGroup stored = found.get();
        if (stored.kind() == GroupKind.CLASSIC) {
            return classic(stored);
        }
        if (!stored.liveMembers().isEmpty()) {
            return dead(group, "Group " + group + " is not a classic group.", version);
        }
        return new DescribedGroup()
                .setGroupId(group)
                .setGroupState(EMPTY)
                .setProtocolType(GroupSummary.CONSUMER_PROTOCOL)
                .setProtocolData("");
    }

    /**
     * A classic group as a Kafka broker describes it: live members with their client ids and hosts; once stable,
     * the chosen protocol and each member's metadata for it and assignment, else neither.
     */
    static DescribedGroup classic(StoredGroup stored) {
        ClassicGroup g = stored.classic();
        boolean stable = stored.state().equals("Stable");
        DescribedGroup out = new DescribedGroup()
                .setGroupId(g.groupId().value())
                .setGroupState(stored.state())
                .setProtocolType(g.protocolType().orElse(""))
                .setProtocolData(stable ? g.protocolName().orElse("") : "");
        for (ClassicMember m : g.members().values()) {
            if (!m.live(stored.nowMs())) {
                continue;
            }
            DescribedGroupMember member = new DescribedGroupMember()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.instanceId().orElse(null))
                    .setClientId(m.clientId())
                    .setClientHost(m.clientHost())
                    .setMemberMetadata(new byte[0])
                    .setMemberAssignment(new byte[0]);
            if (stable) {
                m.protocols().stream()
                        .filter(p -> g.protocolName().filter(p.name()::equals).isPresent())
                        .findFirst()
                        .ifPresent(p -> member.setMemberMetadata(p.metadata()));
                member.setMemberAssignment(m.assignment());
            }
            out.members().add(member);
        }
        return out;
    }

    private static DescribedGroup dead(String group, String why, short version) {
        DescribedGroup out = new DescribedGroup().setGroupId(group).setGroupState(DEAD);
        if (version >= GROUP_NOT_FOUND_VERSION) {
            out.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(why);
        }
        return out;
    }
}
