package io.eddy.kafka.fetch;

import io.eddy.core.auth.Operation;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.BatchFetchResult;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.fetch.PartitionFetch;
import io.eddy.core.fetch.PartitionOutcome;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaSession;
import io.eddy.kafka.StoredRecords;
import io.eddy.kafka.TopicIds;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * Fetch, every version kafka-clients knows: the stored batches of each partition asked for, as stored (base offsets
 * patched by core, never decoded), through one long-poll of core's multi-partition fetch ({@code min_bytes},
 * {@code max_wait_ms}, each partition's {@code partition_max_bytes} and the response's {@code max_bytes}).
 *
 * <p>No transactions in Eddy: read_committed reads what read_uncommitted reads, the last stable offset is the high
 * watermark and no transaction is aborted. No preferred read replica: every instance serves every partition.
 * Fetch sessions (KIP-227) are refused: every response carries session id 0, which makes Kafka's client send a
 * full fetch again next time; an incremental fetch (a session epoch above 0) is answered
 * {@code FETCH_SESSION_ID_NOT_FOUND}, after which the client starts over with a full one. Fetches from followers
 * (a replica id) are refused with {@code TOPIC_AUTHORIZATION_FAILED}, as Kafka refuses a follower it does not
 * authorize: Eddy has none. Thread-safe.
 */
public final class FetchHandler implements ApiHandler {
    private final FetchService fetch;
    private final TopicIds ids;
    private final PartitionAnswers errors;

    FetchHandler(FetchService fetch, TopicIds ids, PartitionAnswers errors) {
        this.fetch = fetch;
        this.ids = ids;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.FETCH.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.FETCH.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        FetchRequest request = (FetchRequest) decoded.request();
        FetchRequestData data = request.data();
        if (data.sessionEpoch() != FetchMetadata.INITIAL_EPOCH && data.sessionEpoch() != FetchMetadata.FINAL_EPOCH) {
            return Uni.createFrom()
                    .item(new FetchResponseData()
                            .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                            .setSessionId(FetchMetadata.INVALID_SESSION_ID));
        }
        boolean byId = decoded.apiVersion() >= 13;
        List<Uni<Named>> named = data.topics().stream()
                .map(t -> byId
                        ? ids.find(t.topicId())
                                .map(found ->
                                        new Named(t, found.map(x -> x.name().value())))
                        : Uni.createFrom().item(new Named(t, Optional.of(t.topic()))))
                .toList();
        Uni<List<Named>> resolved = PartitionAnswers.all(named);
        boolean follower = request.replicaId() >= 0;
        boolean readCommitted = request.isolationLevel() == IsolationLevel.READ_COMMITTED;
        return resolved.flatMap(topics -> read(plan(topics, decoded.session(), follower), data, byId, readCommitted));
    }

    /** A topic of the request and its name, empty when it was named by an id no topic has. */
    private record Named(FetchTopic topic, Optional<String> name) {}

    /** A partition of the request: refused before any read (with why), or to be read. */
    private record Slot(int partition, Errors refused, Optional<PartitionFetch> read) {}

    /** A topic of the request with its partitions. */
    private record Planned(FetchTopic topic, List<Slot> slots) {}

    /** The request's partitions, topic by topic, in request order. */
    private List<Planned> plan(List<Named> topics, KafkaSession session, boolean follower) {
        List<Planned> planned = new ArrayList<>();
        for (Named t : topics) {
            List<Slot> slots = new ArrayList<>();
            planned.add(new Planned(t.topic(), slots));
            for (FetchPartition p : t.topic().partitions()) {
                Errors refused = refusal(t, p, session, follower);
                slots.add(new Slot(
                        p.partition(),
                        refused,
                        refused == Errors.NONE
                                ? Optional.of(new PartitionFetch(
                                        t.name().orElseThrow(),
                                        p.partition(),
                                        p.fetchOffset(),
                                        clamp(p.partitionMaxBytes(), 1, io.eddy.core.fetch.FetchRequest.MAX_MAX_BYTES)))
                                : Optional.empty()));
            }
        }
        return planned;
    }

    private static Errors refusal(Named t, FetchPartition p, KafkaSession session, boolean follower) {
        if (t.name().isEmpty()) {
            return Errors.UNKNOWN_TOPIC_ID;
        }
        if (follower
                || !KafkaAccess.mayTopic(session, Operation.CONSUME, t.name().get())) {
            return Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        Errors epoch = LeaderEpochs.check(p.currentLeaderEpoch());
        if (epoch != Errors.NONE) {
            return epoch;
        }
        if (p.partition() < 0) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        return p.fetchOffset() < 0 ? Errors.OFFSET_OUT_OF_RANGE : Errors.NONE;
    }

    private Uni<ApiMessage> read(List<Planned> topics, FetchRequestData data, boolean byId, boolean readCommitted) {
        List<Slot> slots = topics.stream().flatMap(t -> t.slots().stream()).toList();
        List<PartitionFetch> reads =
                slots.stream().flatMap(s -> s.read().stream()).toList();
        // a partition refused for its leader epoch answers at once, as one whose read fails does
        boolean answerNow = slots.stream()
                .anyMatch(s -> s.refused() == Errors.UNKNOWN_LEADER_EPOCH || s.refused() == Errors.FENCED_LEADER_EPOCH);
        Duration wait = answerNow
                ? Duration.ZERO
                : Duration.ofMillis(clamp(data.maxWaitMs(), 0, io.eddy.core.fetch.FetchRequest.MAX_WAIT.toMillis()));
        Uni<List<PartitionOutcome<BatchFetchResult>>> outcomes = reads.isEmpty()
                ? Uni.createFrom().item(List.of())
                : fetch.fetchManyBatches(reads, wait, data.minBytes(), Math.max(1, data.maxBytes()));
        return outcomes.map(read -> response(topics, read.iterator(), byId, readCommitted));
    }

    private FetchResponseData response(
            List<Planned> topics,
            Iterator<PartitionOutcome<BatchFetchResult>> outcomes,
            boolean byId,
            boolean readCommitted) {
        FetchResponseData response = new FetchResponseData()
                .setThrottleTimeMs(0)
                .setErrorCode(Errors.NONE.code())
                .setSessionId(FetchMetadata.INVALID_SESSION_ID);
        for (Planned t : topics) {
            FetchableTopicResponse topic = byId
                    ? new FetchableTopicResponse().setTopicId(t.topic().topicId())
                    : new FetchableTopicResponse().setTopic(t.topic().topic());
            response.responses().add(topic);
            for (Slot s : t.slots()) {
                topic.partitions()
                        .add(
                                s.read().isEmpty()
                                        ? failed(s.partition(), s.refused())
                                        : partition(s.partition(), outcomes.next(), byId, readCommitted));
            }
        }
        return response;
    }

    private PartitionData partition(
            int partition, PartitionOutcome<BatchFetchResult> outcome, boolean byId, boolean readCommitted) {
        if (outcome.error() != null) {
            ErrorCode code = outcome.error().code();
            Errors error = byId && code == ErrorCode.UNKNOWN_TOPIC ? Errors.UNKNOWN_TOPIC_ID : errors.of(code);
            return failed(partition, error);
        }
        BatchFetchResult read = outcome.result();
        return new PartitionData()
                .setPartitionIndex(partition)
                .setErrorCode(Errors.NONE.code())
                .setHighWatermark(read.highWatermark())
                .setLastStableOffset(read.highWatermark())
                .setLogStartOffset(read.logStartOffset())
                .setAbortedTransactions(readCommitted ? new ArrayList<>() : null)
                .setPreferredReadReplica(-1)
                .setRecords(read.batches().isEmpty() ? MemoryRecords.EMPTY : new StoredRecords(read.batches()));
    }

    /** A partition answered with an error alone, as Kafka answers one: no records, offsets unknown (-1). */
    private static PartitionData failed(int partition, Errors error) {
        return new PartitionData()
                .setPartitionIndex(partition)
                .setErrorCode(error.code())
                .setHighWatermark(-1)
                .setLastStableOffset(-1)
                .setLogStartOffset(-1)
                .setPreferredReadReplica(-1)
                .setRecords(MemoryRecords.EMPTY);
    }

    private static int clamp(long value, int min, long max) {
        return (int) Math.max(min, Math.min(max, value));
    }
}
