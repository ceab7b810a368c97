package io.eddy.kafka.group;

import io.eddy.core.auth.Operation;
import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicMember;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.GroupState;
import io.eddy.core.group.MemberState;
import io.eddy.core.group.TopicPartition;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetDelete: removes a group's committed offsets on some partitions, as a broker: an unknown group answers
 * {@code GROUP_ID_NOT_FOUND}; a partition of a topic a live member subscribes to {@code GROUP_SUBSCRIBED_TO_TOPIC}
 * and stays. Needs admin on the group (Kafka's Delete) and consume on each topic. Thread-safe.
 */
final class OffsetDeleteHandler implements ApiHandler {
    private final GroupService groups;
    private final KafkaErrors errors;
    private final Clock clock;

    OffsetDeleteHandler(GroupService groups, KafkaErrors errors, Clock clock) {
        this.groups = groups;
        this.errors = errors;
        this.clock = clock;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.OFFSET_DELETE.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.OFFSET_DELETE.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest request) {
        OffsetDeleteRequestData data = (OffsetDeleteRequestData) request.body();
        if (!KafkaAccess.mayGroup(request.session(), Operation.ADMIN, data.groupId())) {
            return Uni.createFrom().item(failed(Errors.GROUP_AUTHORIZATION_FAILED));
        }
        GroupId group;
        try {
            group = new GroupId(data.groupId());
        } catch (RuntimeException e) {
            return Uni.createFrom().item(failed(errors.of(e)));
        }
        return Uni.combine()
                .all()
                .unis(groups.classic().eddyState(group), groups.classic().load(group))
                .asTuple()
                .flatMap(both -> {
                    if (!both.getItem1().exists() && !both.getItem2().exists()) {
                        return Uni.createFrom().item(failed(Errors.GROUP_ID_NOT_FOUND));
                    }
                    Predicate<String> subscribed = subscribed(both.getItem1(), both.getItem2(), clock.millis());
                    OffsetDeleteResponseData response = new OffsetDeleteResponseData().setThrottleTimeMs(0);
                    List<TopicPartition> deleted = new ArrayList<>();
                    for (OffsetDeleteRequestTopic t : data.topics()) {
                        OffsetDeleteResponseTopic out = new OffsetDeleteResponseTopic().setName(t.name());
                        boolean allowed = KafkaAccess.mayTopic(request.session(), Operation.CONSUME, t.name());
                        for (OffsetDeleteRequestPartition p : t.partitions()) {
                            Errors error;
                            if (!allowed) {
                                error = Errors.TOPIC_AUTHORIZATION_FAILED;
                            } else if (t.name().isBlank() || p.partitionIndex() < 0) {
                                error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                            } else if (subscribed.test(t.name())) {
                                error = Errors.GROUP_SUBSCRIBED_TO_TOPIC;
                            } else {
                                error = Errors.NONE;
                                deleted.add(new TopicPartition(t.name(), p.partitionIndex()));
                            }
                            out.partitions()
                                    .add(new OffsetDeleteResponsePartition()
                                            .setPartitionIndex(p.partitionIndex())
                                            .setErrorCode(error.code()));
                        }
                        response.topics().add(out);
                    }
                    return groups.classic().deleteOffsets(group, deleted).replaceWith((ApiMessage) response);
                })
                .onFailure()
                .recoverWithItem(failure -> failed(errors.of(failure)));
    }

    /** Whether a live member, classic or Eddy's, subscribes to the topic. */
    private static Predicate<String> subscribed(GroupState eddy, ClassicGroup classic, long nowMs) {
        List<Predicate<String>> each = new ArrayList<>();
        for (ClassicMember m : classic.members().values()) {
            if (m.live(nowMs)) {
                each.add(m.topics()::contains);
            }
        }
        for (MemberState m : eddy.members().values()) {
            if (m.live(nowMs)) {
                each.add(m.subscription().topics()::contains);
                m.subscription()
                        .pattern()
                        .map(Pattern::compile)
                        .ifPresent(p -> each.add(t -> p.matcher(t).matches()));
            }
        }
        return topic -> each.stream().anyMatch(p -> p.test(topic));
    }

    private static ApiMessage failed(Errors error) {
        return new OffsetDeleteResponseData().setThrottleTimeMs(0).setErrorCode(error.code());
    }
}
