package io.eddy.kafka.consumer;

import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * ListGroups: every group the connection may describe (others are left out, as Kafka does), with its protocol
 * type, and from v4 its state (the states filter keeps those named, any case), from v5 its type ({@code classic}
 * or {@code consumer}; the types filter likewise). A group deleted while listed is left out. Thread-safe:
 * stateless.
 */
final class ListGroupsHandler implements ApiHandler {
    /** How many groups are read at once to learn their state. */
    static final int CONCURRENCY = 8;

    private final GroupReader groups;

    ListGroupsHandler(GroupReader groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.LIST_GROUPS.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.LIST_GROUPS.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        ListGroupsRequestData request = (ListGroupsRequestData) decoded.body();
        short version = decoded.apiVersion();
        KafkaSession session = decoded.session();
        return groups.names()
                .map(names -> names.stream()
                        .filter(name -> GroupAccess.mayDescribe(session, name))
                        .toList())
                .flatMap(names -> names.isEmpty()
                        ? Uni.createFrom().item(List.<GroupSummary>of())
                        : Multi.createFrom()
                                .iterable(names)
                                .onItem()
                                .transformToUni(groups::summary)
                                .merge(CONCURRENCY)
                                .filter(Optional::isPresent)
                                .map(Optional::get)
                                .collect()
                                .asList())
                .map(summaries -> {
                    ListGroupsResponseData response = new ListGroupsResponseData();
                    summaries.stream()
                            .filter(s -> request.statesFilter().isEmpty()
                                    || request.statesFilter().stream().anyMatch(s::inState))
                            .filter(s -> request.typesFilter().isEmpty()
                                    || request.typesFilter().stream()
                                            .anyMatch(t -> s.kind().named(t)))
                            .sorted(java.util.Comparator.comparing(GroupSummary::groupId))
                            .forEach(s -> response.groups().add(listed(s, version)));
                    return response;
                });
    }

    static ListedGroup listed(GroupSummary summary, short version) {
        ListedGroup listed = new ListedGroup().setGroupId(summary.groupId()).setProtocolType(summary.protocolType());
        if (version >= 4) {
            listed.setGroupState(summary.state());
        }
        if (version >= 5) {
            listed.setGroupType(summary.kind().wire());
        }
        return listed;
    }
}
