package io.eddy.kafka.consumer;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.GroupService.GroupDescription;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/**
 * The groups of core's group store as Kafka's group admin APIs see them: their names, each one's kind and state,
 * and its description. A name Eddy cannot hold (Kafka allows any string) is a group that does not exist.
 * Thread-safe: stateless.
 */
final class GroupReader {
    private final GroupService groups;

    GroupReader(GroupService groups) {
        this.groups = groups;
    }

    Uni<List<String>> names() {
        return groups.list().map(ids -> ids.stream().map(GroupId::value).toList());
    }

    /** The group as core describes it, or empty when it does not exist. */
    Uni<Optional<GroupDescription>> describe(String group) {
        return Uni.createFrom()
                .deferred(() -> groups.describe(group))
                .map(Optional::of)
                .onFailure(e -> e instanceof EddyException eddy
                        && (eddy.code() == ErrorCode.UNKNOWN_GROUP || eddy.code() == ErrorCode.INVALID_GROUP_ID))
                .recoverWithItem(Optional.empty());
    }

    /** The group as ListGroups shows it, or empty when it does not exist (any more). */
    Uni<Optional<GroupSummary>> summary(String group) {
        return describe(group).map(d -> d.map(GroupReader::summary));
    }

    static GroupKind kind(GroupDescription description) {
        return GroupKind.CONSUMER;
    }

    static GroupSummary summary(GroupDescription description) {
        return new GroupSummary(
                description.group().groupId().value(),
                kind(description),
                GroupSummary.consumerState(description.state()),
                GroupSummary.CONSUMER_PROTOCOL);
    }
}
