package io.eddy.kafka.consumer;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.group.GroupService;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaErrors;
import io.smallrye.mutiny.Uni;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteGroups: each group with its committed offsets, when it has no live member. Per group:
 * {@code GROUP_AUTHORIZATION_FAILED} without admin on it (Kafka's Delete), {@code GROUP_ID_NOT_FOUND} when it does
 * not exist (or could not: a name Eddy cannot hold), {@code NON_EMPTY_GROUP} while a member lives. Thread-safe:
 * stateless.
 */
final class DeleteGroupsHandler implements ApiHandler {
    private final GroupService groups;
    private final KafkaErrors errors;

    DeleteGroupsHandler(GroupService groups, KafkaErrors errors) {
        this.groups = groups;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.DELETE_GROUPS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.DELETE_GROUPS.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        DeleteGroupsRequestData request = (DeleteGroupsRequestData) decoded.body();
        List<String> names = List.copyOf(new LinkedHashSet<>(request.groupsNames()));
        if (names.isEmpty()) {
            return Uni.createFrom().item(new DeleteGroupsResponseData());
        }
        List<Uni<DeletableGroupResult>> each = names.stream()
                .map(group -> GroupAccess.mayDelete(decoded.session(), group)
                        ? delete(group)
                        : Uni.createFrom().item(result(group, Errors.GROUP_AUTHORIZATION_FAILED)))
                .toList();
        return Uni.join().all(each).andFailFast().map(results -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            response.results().addAll(results);
            return response;
        });
    }

    private Uni<DeletableGroupResult> delete(String group) {
        return Uni.createFrom()
                .deferred(() -> groups.delete(group))
                .map(ignored -> result(group, Errors.NONE))
                .onFailure()
                .recoverWithItem(failure -> result(
                        group,
                        failure instanceof EddyException e && e.code() == ErrorCode.INVALID_GROUP_ID
                                ? Errors.GROUP_ID_NOT_FOUND
                                : errors.of(failure)));
    }

    private static DeletableGroupResult result(String group, Errors error) {
        return new DeletableGroupResult().setGroupId(group).setErrorCode(error.code());
    }
}
