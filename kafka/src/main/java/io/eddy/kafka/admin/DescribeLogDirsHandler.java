package io.eddy.kafka.admin;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaSession;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeLogDirs (what {@code kafka-log-dirs.sh --describe} shows): each partition's size in bytes, from its head
 * (see "Issue 18: partition sizes" in docs/architecture.md). Eddy keeps no disks: every instance answers one log
 * dir, {@link #LOG_DIR}, holding every partition, with no offset lag and unknown volume sizes. A partition whose size
 * is not known in full (last written by an Eddy that kept no sizes) is left out, as a broker leaves out a partition
 * that is not in its dirs, rather than shown too small. Only topics the session may describe are listed; named topics
 * that do not exist or may not be seen are left out too, as Kafka does. Thread-safe.
 */
final class DescribeLogDirsHandler extends AdminHandler {
    /** The one log dir every instance reports. */
    static final String LOG_DIR = "eddy";

    private final TopicService topics;

    DescribeLogDirsHandler(TopicService topics) {
        super(ApiKeys.DESCRIBE_LOG_DIRS);
        this.topics = topics;
    }

    @Override
    Uni<ApiMessage> answer(DecodedRequest request) {
        DescribeLogDirsRequestData data = (DescribeLogDirsRequestData) request.body();
        KafkaSession session = request.session();
        Uni<List<Topic>> wanted = data.topics() == null
                ? topics.list()
                : join(data.topics().stream().map(this::topic).toList())
                        .map(found -> found.stream().flatMap(Optional::stream).toList());
        return wanted.flatMap(list -> join(list.stream()
                        .filter(t ->
                                KafkaAccess.mayDescribeTopic(session, t.name().value()))
                        .map(t -> topics.heads(t).map(heads -> sizes(t, heads, partitions(data, t))))
                        .toList()))
                .map(described -> {
                    DescribeLogDirsResponseData response = new DescribeLogDirsResponseData()
                            .setThrottleTimeMs(0)
                            .setErrorCode(Errors.NONE.code());
                    response.results()
                            .add(new DescribeLogDirsResult()
                                    .setErrorCode(Errors.NONE.code())
                                    .setLogDir(LOG_DIR)
                                    .setTopics(described.stream()
                                            .filter(t -> !t.partitions().isEmpty())
                                            .toList()));
                    return response;
                });
    }

    /** The topic named, or empty when it does not exist. */
    private Uni<Optional<Topic>> topic(DescribableLogDirTopic named) {
        return topics.require(named.topic())
                .map(Optional::of)
                .onFailure(e -> e instanceof EddyException ee
                        && (ee.code() == ErrorCode.UNKNOWN_TOPIC || ee.code() == ErrorCode.INVALID_TOPIC_NAME))
                .recoverWithItem(Optional.empty());
    }

    /** The partitions of {@code topic} the request names (all of them when it names the topic without partitions). */
    private static Set<Integer> partitions(DescribeLogDirsRequestData data, Topic topic) {
        Set<Integer> all = new TreeSet<>();
        for (int p = 0; p < topic.partitions(); p++) {
            all.add(p);
        }
        if (data.topics() == null) {
            return all;
        }
        Set<Integer> named = new TreeSet<>();
        for (DescribableLogDirTopic t : data.topics()) {
            if (t.topic().equals(topic.name().value())) {
                named.addAll(t.partitions());
            }
        }
        named.retainAll(all);
        return named;
    }

    private static DescribeLogDirsTopic sizes(Topic topic, Map<Integer, PartitionHead> heads, Set<Integer> wanted) {
        List<DescribeLogDirsPartition> partitions = new ArrayList<>();
        for (int p : wanted) {
            heads.get(p)
                    .size()
                    .ifPresent(bytes -> partitions.add(new DescribeLogDirsPartition()
                            .setPartitionIndex(p)
                            .setPartitionSize(bytes)
                            .setOffsetLag(0)
                            .setIsFutureKey(false)));
        }
        return new DescribeLogDirsTopic().setName(topic.name().value()).setPartitions(partitions);
    }
}
