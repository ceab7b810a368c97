package io.eddy.kafka.fetch;

import io.eddy.core.fetch.FetchService;
import io.eddy.core.model.OffsetSpec;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch, every version kafka-clients knows. Every instance leads every partition at epoch 0 forever
 * (Metadata's), so the end offset of any epoch a client asks about (0 or more) is the high watermark, at epoch 0:
 * a consumer validating its position after a metadata change never sees a truncation, nor a leadership error. An
 * epoch below 0 is none Kafka knows: epoch and end offset -1. Each partition is answered alone:
 * {@code TOPIC_AUTHORIZATION_FAILED} without any grant on its topic (Kafka's Describe),
 * {@code UNKNOWN_TOPIC_OR_PARTITION}, the leader epoch errors of {@link LeaderEpochs}. Thread-safe.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler {
    private final FetchService fetch;
    private final PartitionAnswers errors;

    OffsetForLeaderEpochHandler(FetchService fetch, PartitionAnswers errors) {
        this.fetch = fetch;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        OffsetForLeaderEpochRequestData data = (OffsetForLeaderEpochRequestData) decoded.body();
        List<Uni<OffsetForLeaderTopicResult>> topics = new ArrayList<>();
        for (OffsetForLeaderTopic t : data.topics()) {
            boolean allowed = KafkaAccess.mayDescribeTopic(decoded.session(), t.topic());
            List<Uni<EpochEndOffset>> partitions = t.partitions().stream()
                    .map(p -> allowed
                            ? answer(t.topic(), p)
                            : Uni.createFrom().item(failed(p.partition(), Errors.TOPIC_AUTHORIZATION_FAILED)))
                    .toList();
            topics.add(PartitionAnswers.all(partitions)
                    .map(answered ->
                            new OffsetForLeaderTopicResult().setTopic(t.topic()).setPartitions(answered)));
        }
        return PartitionAnswers.all(topics).map(answered -> {
            OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData().setThrottleTimeMs(0);
            response.topics().addAll(answered);
            return response;
        });
    }

    private Uni<EpochEndOffset> answer(String topic, OffsetForLeaderPartition p) {
        Errors epoch = LeaderEpochs.check(p.currentLeaderEpoch());
        if (epoch != Errors.NONE) {
            return Uni.createFrom().item(failed(p.partition(), epoch));
        }
        return fetch.offsetAt(topic, p.partition(), new OffsetSpec.Latest())
                .map(highWatermark -> p.leaderEpoch() < 0
                        ? endOffset(
                                p.partition(),
                                OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH,
                                OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET)
                        : endOffset(p.partition(), LeaderEpochs.CURRENT, highWatermark))
                .onFailure()
                .recoverWithItem(failure -> failed(p.partition(), errors.of(failure)));
    }

    private static EpochEndOffset endOffset(int partition, int epoch, long offset) {
        return new EpochEndOffset()
                .setPartition(partition)
                .setErrorCode(Errors.NONE.code())
                .setLeaderEpoch(epoch)
                .setEndOffset(offset);
    }

    private static EpochEndOffset failed(int partition, Errors error) {
        return new EpochEndOffset()
                .setPartition(partition)
                .setErrorCode(error.code())
                .setLeaderEpoch(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH)
                .setEndOffset(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);
    }
}
