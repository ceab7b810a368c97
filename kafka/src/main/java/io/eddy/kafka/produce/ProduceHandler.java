package io.eddy.kafka.produce;

import io.eddy.core.auth.Operation;
import io.eddy.core.error.EddyException;
import io.eddy.core.format.BatchValidator;
import io.eddy.core.format.ValidatedBatch;
import io.eddy.core.model.Topic;
import io.eddy.core.produce.Acks;
import io.eddy.core.produce.BatchOffsets;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaServices;
import io.eddy.kafka.KafkaSession;
import io.eddy.kafka.TopicIds;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ProduceRequest;

/**
 * Produce, every version kafka-clients lists (v3 to v13; v13 names topics by id). Per topic: the connection
 * must hold {@code produce} on it ({@code TOPIC_AUTHORIZATION_FAILED}); each partition's one batch is taken (a slice)
 * of the request frame and validated by core's {@link BatchValidator} on the validation executor, against the
 * topic's {@code max.message.bytes} and the configured inflate limits; then each partition is produced on its
 * own ({@code ProduceService.produceBatches}, stored as sent), so that, as on a Kafka broker, one partition's
 * error (a sequence gap, a fenced epoch) fails that partition only. Concurrent partitions share a group commit.
 * A connection's requests are queued in core one after another, in the order they came ({@link ConnectionTurns}),
 * so that pipelined requests for one partition are stored in the order they were sent; the next request is queued
 * as soon as this one is, not after its commit, so a producer's requests in flight share flushes.
 *
 * <p>Answers per partition: the base offset ({@code -1} for acks=0, which is queued, not yet committed),
 * {@code log_append_time} -1 (Eddy keeps create time), {@code log_start_offset} -1 (not known without a read of
 * the partition's head; Kafka's clients accept -1), and Kafka's error for a failure through {@link KafkaErrors}
 * with core's message. A duplicate of an idempotent batch already written is answered, as Kafka does, with no
 * error and the offsets it was written at. A request with a transactional id is refused with
 * {@code TRANSACTIONAL_ID_AUTHORIZATION_FAILED}, as is a transactional batch: Eddy has no transactions.
 *
 * <p>The answer is only given once every partition's validation has finished, whatever failed. The batches core
 * keeps are slices of the request frame, which is the request's own array ({@code FrameDecoder}), so they stay
 * readable after the answer (acks=0 answers before they are written). Thread-safe.
 */
final class ProduceHandler implements ApiHandler {
    /** The first version that names topics by id (KIP-516). */
    static final short TOPIC_ID_VERSION = 13;

    private final KafkaServices services;
    private final TopicIds topicIds;
    private final KafkaErrors errors;
    private final ConnectionTurns turns = new ConnectionTurns();

    ProduceHandler(KafkaServices services, KafkaErrors errors) {
        this.services = services;
        this.topicIds = new TopicIds(services.topics());
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.PRODUCE.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.PRODUCE.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        ProduceRequestData data = ((ProduceRequest) decoded.request()).data();
        boolean byId = decoded.apiVersion() >= TOPIC_ID_VERSION;
        Optional<Acks> acks = RequiredAcks.of(data.acks());
        ConnectionTurns.Turn turn = turns.take(decoded.session());
        List<TopicProduceData> requested = lastOfEach(data.topicData(), byId);
        List<Uni<Uni<TopicProduceResponse>>> queued = new ArrayList<>(requested.size());
        for (TopicProduceData t : requested) {
            if (acks.isEmpty()) {
                queued.add(refused(t, byId, Errors.INVALID_REQUIRED_ACKS, "acks must be 0, 1 or -1"));
            } else if (data.transactionalId() != null) {
                queued.add(refused(
                        t, byId, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, "Eddy does not support transactions"));
            } else if (byId) {
                queued.add(topic(
                        topicIds.require(t.topicId()), t, true, acks.get(), data.timeoutMs(), decoded.session(), turn));
            } else if (!mayWrite(decoded.session(), t.name())) {
                queued.add(refused(t, false, Errors.TOPIC_AUTHORIZATION_FAILED, null));
            } else {
                queued.add(topic(
                        services.topics().require(t.name()),
                        t,
                        false,
                        acks.get(),
                        data.timeoutMs(),
                        decoded.session(),
                        turn));
            }
        }
        // the connection's next request may be queued as soon as every partition of this one is: its order is
        // fixed from then on, and the next request need not wait for this one's flush
        return all(queued)
                .onTermination()
                .invoke(turn::done)
                .flatMap(ProduceHandler::all)
                .map(topics -> {
                    ProduceResponseData response = new ProduceResponseData().setThrottleTimeMs(0);
                    topics.forEach(response.responses()::add);
                    return response;
                });
    }

    /**
     * The request's topics, each partition in it once with the batch its last mention carries, as a broker keeps
     * them (it files them by partition): a partition named twice is written once and answered once. The request's
     * own list when nothing is named twice.
     */
    static List<TopicProduceData> lastOfEach(Collection<TopicProduceData> requested, boolean byId) {
        Map<Object, TopicProduceData> topics = new LinkedHashMap<>();
        Map<Object, Map<Integer, PartitionProduceData>> partitions = new LinkedHashMap<>();
        boolean repeated = false;
        for (TopicProduceData t : requested) {
            Object key = byId ? t.topicId() : t.name();
            repeated |= topics.putIfAbsent(key, t) != null;
            Map<Integer, PartitionProduceData> byIndex = partitions.computeIfAbsent(key, k -> new LinkedHashMap<>());
            for (PartitionProduceData p : t.partitionData()) {
                repeated |= byIndex.put(p.index(), p) != null;
            }
        }
        if (!repeated) {
            return List.copyOf(requested);
        }
        List<TopicProduceData> out = new ArrayList<>(topics.size());
        topics.forEach((key, t) -> out.add(new TopicProduceData()
                .setName(t.name())
                .setTopicId(t.topicId())
                .setPartitionData(new ArrayList<>(partitions.get(key).values()))));
        return out;
    }

    private static boolean mayWrite(KafkaSession session, String topic) {
        return KafkaAccess.mayTopic(session, Operation.PRODUCE, topic);
    }

    /**
     * One topic: the outer item once its partitions are queued in the write path (or answered without it), the
     * inner one its answer. Nothing here fails: every failure, the lookup's included, becomes each partition's
     * error, and only after every task that reads the frame has finished.
     */
    private Uni<Uni<TopicProduceResponse>> topic(
            Uni<Topic> lookup,
            TopicProduceData t,
            boolean byId,
            Acks acks,
            int timeoutMs,
            KafkaSession session,
            ConnectionTurns.Turn turn) {
        return lookup.flatMap(topic -> {
                    if (byId && !mayWrite(session, topic.name().value())) {
                        return refused(t, true, Errors.TOPIC_AUTHORIZATION_FAILED, null);
                    }
                    return Uni.createFrom()
                            .item(() -> check(topic, t.partitionData()))
                            .runSubscriptionOn(services.validation())
                            .flatMap(checked -> turn.ready()
                                    .flatMap(ready -> all(checked.stream()
                                            .map(c -> produce(topic, c, acks, timeoutMs))
                                            .toList())))
                            .map(partitions -> all(partitions).map(answered -> answer(t, byId, answered)));
                })
                .onFailure()
                .recoverWithUni(failure -> refused(t, byId, errors.of(failure), message(failure)));
    }

    /** A partition after the checks: a batch to produce, or its answer already. */
    private sealed interface Checked permits Valid, Answered {}

    private record Valid(ValidatedBatch batch) implements Checked {}

    private record Answered(PartitionProduceResponse response) implements Checked {}

    /** Takes and validates each partition's batch, in request order. Runs on the validation executor. */
    private List<Checked> check(Topic topic, List<PartitionProduceData> partitions) {
        List<Checked> out = new ArrayList<>(partitions.size());
        for (PartitionProduceData p : partitions) {
            out.add(check(topic, p));
        }
        return out;
    }

    private Checked check(Topic topic, PartitionProduceData p) {
        if (p.index() < 0 || p.index() >= topic.partitions()) {
            return new Answered(failed(
                    p.index(),
                    Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "topic '" + topic.name().value() + "' has " + topic.partitions() + " partitions"));
        }
        PartitionRecords.Outcome outcome = PartitionRecords.take(p.index(), p.records());
        if (outcome instanceof PartitionRecords.Refused r) {
            return new Answered(failed(p.index(), r.error(), r.message()));
        }
        PartitionRecords.Taken taken = (PartitionRecords.Taken) outcome;
        try {
            return new Valid(BatchValidator.validate(
                            List.of(taken.frame()), topic.config().maxMessageBytes(), services.inflate())
                    .get(0));
        } catch (RuntimeException e) {
            return new Answered(failed(p.index(), errors.of(e), message(e)));
        }
    }

    /** One partition: the outer item once it is queued (or answered at once), the inner one its answer. */
    private Uni<Uni<PartitionProduceResponse>> produce(Topic topic, Checked checked, Acks acks, int timeoutMs) {
        if (checked instanceof Answered a) {
            return Uni.createFrom().item(Uni.createFrom().item(a.response()));
        }
        ValidatedBatch batch = ((Valid) checked).batch();
        int index = batch.partition();
        return services.produce()
                .enqueueBatches(topic, List.of(batch), acks, false)
                .map(outcome -> within(
                        outcome.map(offsets -> succeeded(index, offsets))
                                .onFailure()
                                .recoverWithItem(failure -> failed(index, errors.of(failure), message(failure))),
                        index,
                        timeoutMs))
                .onFailure()
                .recoverWithItem(failure -> Uni.createFrom().item(failed(index, errors.of(failure), message(failure))));
    }

    /**
     * The partition's answer, or {@code REQUEST_TIMED_OUT} if its commit takes longer than the request's
     * {@code timeout_ms}, as a broker answers when replication takes longer: the batch stays queued and may still be
     * committed (an idempotent producer's retry is then answered as a duplicate, at its offset). The commit is not
     * cancelled: it is shared with the rest of its flush. A timeout of 0 or less sets no bound.
     */
    private static Uni<PartitionProduceResponse> within(
            Uni<PartitionProduceResponse> answer, int index, int timeoutMs) {
        if (timeoutMs <= 0) {
            return answer;
        }
        return Uni.createFrom().emitter(emitter -> {
            ScheduledFuture<?> timer = Infrastructure.getDefaultWorkerPool()
                    .schedule(
                            () -> emitter.complete(failed(
                                    index,
                                    Errors.REQUEST_TIMED_OUT,
                                    "not committed within the request's timeout of " + timeoutMs
                                            + " ms; it may still be committed")),
                            timeoutMs,
                            TimeUnit.MILLISECONDS);
            emitter.onTermination(() -> timer.cancel(false));
            answer.subscribe().with(emitter::complete);
        });
    }

    private static PartitionProduceResponse succeeded(int index, List<BatchOffsets> offsets) {
        long base = offsets.isEmpty() ? -1 : offsets.get(0).baseOffset(); // acks=0: queued, no offset yet
        return partition(index, Errors.NONE, base).setErrorMessage(null);
    }

    private static PartitionProduceResponse failed(int index, Errors error, String message) {
        return partition(index, error, -1).setErrorMessage(message);
    }

    private static PartitionProduceResponse partition(int index, Errors error, long baseOffset) {
        return new PartitionProduceResponse()
                .setIndex(index)
                .setErrorCode(error.code())
                .setBaseOffset(baseOffset)
                .setLogAppendTimeMs(-1)
                .setLogStartOffset(-1);
    }

    private static TopicProduceResponse answer(
            TopicProduceData t, boolean byId, List<PartitionProduceResponse> partitions) {
        TopicProduceResponse response = byId
                ? new TopicProduceResponse().setTopicId(t.topicId())
                : new TopicProduceResponse().setName(t.name());
        return response.setPartitionResponses(partitions);
    }

    private static Uni<Uni<TopicProduceResponse>> refused(
            TopicProduceData t, boolean byId, Errors error, String message) {
        return Uni.createFrom()
                .item(Uni.createFrom()
                        .item(answer(
                                t,
                                byId,
                                t.partitionData().stream()
                                        .map(p -> failed(p.index(), error, message))
                                        .toList())));
    }

    /** What the client is told: core's and Kafka's messages are written for clients, anything else is not. */
    private static String message(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return cause instanceof EddyException || cause instanceof ApiException ? cause.getMessage() : null;
    }

    private static <T> Uni<List<T>> all(List<Uni<T>> unis) {
        if (unis.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join().all(unis).andCollectFailures();
    }
}
