package io.eddy.kafka.consumer;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.GroupService.GroupDescription;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The groups of core's group store as Kafka's group admin APIs see them: their names, each one's two faces
 * ({@link StoredGroup}) and core's description with lag. A name Eddy cannot hold (Kafka allows any string) is a
 * group that does not exist. Thread-safe: stateless.
 */
final class GroupReader {
    private final GroupService groups;
    private final Clock clock;

    GroupReader(GroupService groups, Clock clock) {
        this.groups = groups;
        this.clock = clock;
    }

    Uni<List<String>> names() {
        return groups.list().map(ids -> ids.stream().map(GroupId::value).toList());
    }

    /** The group's Eddy and classic states, or empty when it does not exist. */
    Uni<Optional<StoredGroup>> load(String group) {
        Optional<GroupId> id = validId(group);
        if (id.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return Uni.combine()
                .all()
                .unis(groups.classic().eddyState(id.get()), groups.classic().load(id.get()))
                .asTuple()
                .map(both -> Optional.of(new StoredGroup(both.getItem1(), both.getItem2(), clock.millis()))
                        .filter(StoredGroup::exists));
    }

    /** Core's description of the group (its members, assignment and lag), or empty when it does not exist. */
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
        return load(group).map(found -> found.map(StoredGroup::summary));
    }

    private static Optional<GroupId> validId(String group) {
        try {
            return Optional.of(new GroupId(group));
        } catch (EddyException e) {
            return Optional.empty();
        }
    }
}
