package io.eddy.server;

import io.eddy.core.model.Topic;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.StoredRecords;
import io.eddy.kafka.TopicIds;
import io.eddy.runtime.metrics.Api;
import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.RequestKind;
import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.jboss.logging.Logger;

/**
 * Meters the Kafka face as {@link EddyMeters} meters the HTTP one: Produce, Fetch and OffsetCommit by outcome
 * ({@code success}; {@code client_error} when a partition failed for a reason retrying will not cure,
 * {@code server_error} for one it may, or a failed handler) with their latency, and the records and bytes each
 * topic took in (partitions answered without error) and gave out. Topics named by id (Produce v13, Fetch v13+) are
 * labelled by name once their id resolves, from the topic cache; their records and bytes are counted at once, so
 * nothing of a request is read after it has been answered. Thread-safe.
 */
final class KafkaMeters {
    private static final Logger LOG = Logger.getLogger(KafkaMeters.class);
    private static final Map<ApiKeys, RequestKind> KINDS = Map.of(
            ApiKeys.PRODUCE,
            RequestKind.PRODUCE,
            ApiKeys.FETCH,
            RequestKind.FETCH,
            ApiKeys.OFFSET_COMMIT,
            RequestKind.COMMIT);

    private final EddyMeters meters;
    private final TopicIds topicIds;

    KafkaMeters(EddyMeters meters, TopicIds topicIds) {
        this.meters = meters;
        this.topicIds = topicIds;
    }

    /** {@code handler}, metered when its API is one of those above. */
    ApiHandler decorate(ApiHandler handler) {
        RequestKind kind = KINDS.get(handler.apiKey());
        return kind == null ? handler : new Metered(handler, kind);
    }

    private final class Metered implements ApiHandler {
        private final ApiHandler handler;
        private final RequestKind kind;

        Metered(ApiHandler handler, RequestKind kind) {
            this.handler = handler;
            this.kind = kind;
        }

        @Override
        public ApiKeys apiKey() {
            return handler.apiKey();
        }

        @Override
        public short oldestVersion() {
            return handler.oldestVersion();
        }

        @Override
        public short latestVersion() {
            return handler.latestVersion();
        }

        @Override
        public Uni<ApiMessage> handle(DecodedRequest request) {
            long started = System.nanoTime();
            return Uni.createFrom()
                    .deferred(() -> handler.handle(request))
                    .onItemOrFailure()
                    .invoke((response, failure) -> {
                        long nanos = System.nanoTime() - started;
                        String outcome = failure != null ? EddyMeters.SERVER_ERROR : outcome(response);
                        meters.request(kind, Api.KAFKA, outcome, nanos);
                        if (failure == null) {
                            traffic(request, response);
                        }
                    });
        }
    }

    private static String outcome(ApiMessage response) {
        Stream<Short> codes = Stream.empty();
        if (response instanceof ProduceResponseData p) {
            codes = p.responses().stream()
                    .flatMap(t -> t.partitionResponses().stream())
                    .map(ProduceResponseData.PartitionProduceResponse::errorCode);
        } else if (response instanceof FetchResponseData f) {
            codes = Stream.concat(
                    Stream.of(f.errorCode()),
                    f.responses().stream()
                            .flatMap(t -> t.partitions().stream())
                            .map(FetchResponseData.PartitionData::errorCode));
        } else if (response instanceof OffsetCommitResponseData c) {
            codes = c.topics().stream()
                    .flatMap(t -> t.partitions().stream())
                    .map(OffsetCommitResponseData.OffsetCommitResponsePartition::errorCode);
        }
        return codes.filter(code -> code != Errors.NONE.code())
                .map(code -> Errors.forCode(code).exception() instanceof RetriableException
                        ? EddyMeters.SERVER_ERROR
                        : EddyMeters.CLIENT_ERROR)
                .reduce((a, b) -> a.equals(EddyMeters.SERVER_ERROR) ? a : b)
                .orElse(EddyMeters.SUCCESS);
    }

    private void traffic(DecodedRequest request, ApiMessage response) {
        if (response instanceof ProduceResponseData produced && request.body() instanceof ProduceRequestData sent) {
            Map<String, Short> errors = new HashMap<>();
            produced.responses()
                    .forEach(t -> t.partitionResponses()
                            .forEach(p -> errors.put(key(t.name(), t.topicId(), p.index()), p.errorCode())));
            sent.topicData()
                    .forEach(t -> t.partitionData().forEach(p -> {
                        Short error = errors.get(key(t.name(), t.topicId(), p.index()));
                        if (error != null && error == Errors.NONE.code()) {
                            long records = records(p.records());
                            long bytes = bytes(p.records());
                            withName(t.name(), t.topicId(), name -> meters.produced(Api.KAFKA, name, records, bytes));
                        }
                    }));
        } else if (response instanceof FetchResponseData fetched) {
            fetched.responses()
                    .forEach(t -> t.partitions().forEach(p -> {
                        long records = records(p.records());
                        long bytes = bytes(p.records());
                        if (records > 0) {
                            withName(t.topic(), t.topicId(), name -> meters.fetched(Api.KAFKA, name, records, bytes));
                        }
                    }));
        }
    }

    private static String key(String name, Uuid id, int partition) {
        return (name == null || name.isEmpty() ? id.toString() : name) + "/" + partition;
    }

    /** Calls {@code use} with the topic's name: at once when the request named it, else once its id resolves. */
    private void withName(String name, Uuid id, java.util.function.Consumer<String> use) {
        if (name != null && !name.isEmpty()) {
            use.accept(name);
            return;
        }
        topicIds.find(id)
                .subscribe()
                .with(
                        (Optional<Topic> topic) ->
                                topic.ifPresent(t -> use.accept(t.name().value())),
                        failure -> LOG.debugf("no topic of id %s for its meters: %s", id, failure));
    }

    private static long records(BaseRecords records) {
        if (records instanceof StoredRecords stored) {
            return stored.recordCount();
        }
        if (!(records instanceof Records r)) {
            return 0;
        }
        long count = 0;
        try {
            for (RecordBatch batch : r.batches()) {
                Integer n = batch.countOrNull();
                count += n != null ? n : batch.lastOffset() - batch.baseOffset() + 1;
            }
        } catch (RuntimeException e) {
            // a truncated last batch: what came before it is counted
        }
        return count;
    }

    private static long bytes(BaseRecords records) {
        return records == null ? 0 : records.sizeInBytes();
    }
}
