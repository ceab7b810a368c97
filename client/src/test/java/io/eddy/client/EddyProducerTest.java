package io.eddy.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class EddyProducerTest {
    private final FakeEddy eddy = new FakeEddy();

    private EddyProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(
                Map.of("url", "http://eddy.test:8080", "retry.backoff.ms", "1", "retry.backoff.max.ms", "5"));
        config.putAll(extra);
        return new EddyProducer<>(config, new StringSerializer(), new StringSerializer(), eddy);
    }

    private static List<RecordMetadata> sendAll(EddyProducer<String, String> p, Integer partition, String... values) {
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
        for (String v : values) {
            futures.add(p.send(new ProducerRecord<>("t", partition, null, v)).toCompletableFuture());
        }
        p.flush();
        return futures.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void aRetryResendsTheSameBytesAndSequencesGoOn() {
        eddy.policy = n -> n == 1 ? FakeEddy.problem(503, "storage_unavailable", true) : null;
        try (var p = producer(Map.of())) {
            List<RecordMetadata> first = sendAll(p, 0, "a", "b", "c");
            assertThat(first).extracting(RecordMetadata::offset).containsExactly(0L, 1L, 2L);
            sendAll(p, 0, "d");
        }
        assertThat(eddy.produces).hasSize(3);
        assertThat(eddy.produces.get(1)).isEqualTo(eddy.produces.get(0));
        FakeEddy.Frame retried = FakeEddy.frames(eddy.produces.get(1)).get(0);
        assertThat(retried.batch().producerId()).isEqualTo(7L);
        assertThat(retried.batch().baseSequence()).isZero();
        assertThat(FakeEddy.frames(eddy.produces.get(2)).get(0).batch().baseSequence())
                .isEqualTo(3);
    }

    @Test
    void retriesAreBounded() {
        eddy.policy = n -> FakeEddy.problem(503, "storage_unavailable", true);
        try (var p = producer(Map.of("retries", "3"))) {
            CompletableFuture<RecordMetadata> f =
                    p.send(new ProducerRecord<>("t", 0, null, "a")).toCompletableFuture();
            assertThatThrownBy(f::join)
                    .cause()
                    .isInstanceOf(EddyClientException.class)
                    .extracting(e -> ((EddyClientException) e).code())
                    .isEqualTo("storage_unavailable");
        }
        assertThat(eddy.produces).hasSize(4);
    }

    @Test
    void aRefusedBatchFailsItsRecordsAndItsSequencesAreReused() {
        eddy.policy = n -> n == 1 ? FakeEddy.problem(413, "record_too_large", false) : null;
        try (var p = producer(Map.of())) {
            CompletableFuture<RecordMetadata> refused =
                    p.send(new ProducerRecord<>("t", 0, null, "a")).toCompletableFuture();
            assertThatThrownBy(refused::join)
                    .cause()
                    .extracting(e -> ((EddyClientException) e).code())
                    .isEqualTo("record_too_large");
            sendAll(p, 0, "b");
        }
        assertThat(FakeEddy.frames(eddy.produces.get(1)).get(0).batch().baseSequence())
                .isZero();
        assertThat(eddy.calls).doesNotContain("POST /v1/producers/7/epoch");
    }

    @Test
    void anOutOfOrderSequenceBumpsTheEpochAndStartsSequencesAgain() {
        eddy.policy = n -> n == 2 ? FakeEddy.problem(409, "out_of_order_sequence", false) : null;
        try (var p = producer(Map.of())) {
            sendAll(p, 0, "a", "b");
            CompletableFuture<RecordMetadata> refused =
                    p.send(new ProducerRecord<>("t", 0, null, "c")).toCompletableFuture();
            assertThatThrownBy(refused::join)
                    .cause()
                    .extracting(e -> ((EddyClientException) e).code())
                    .isEqualTo("out_of_order_sequence");
            sendAll(p, 0, "d");
        }
        assertThat(eddy.calls).contains("POST /v1/producers/7/epoch");
        var after = FakeEddy.frames(eddy.produces.get(2)).get(0).batch();
        assertThat(after.producerEpoch()).isEqualTo((short) 1);
        assertThat(after.baseSequence()).isZero();
    }

    @Test
    void aFencedProducerFailsEveryLaterSend() {
        eddy.policy = n -> FakeEddy.problem(409, "producer_fenced", false);
        try (var p = producer(Map.of())) {
            CompletableFuture<RecordMetadata> first =
                    p.send(new ProducerRecord<>("t", 0, null, "a")).toCompletableFuture();
            assertThatThrownBy(first::join)
                    .cause()
                    .extracting(e -> ((EddyClientException) e).code())
                    .isEqualTo("producer_fenced");
            CompletableFuture<RecordMetadata> later =
                    p.send(new ProducerRecord<>("t", 1, null, "b")).toCompletableFuture();
            assertThatThrownBy(later::join)
                    .cause()
                    .extracting(e -> ((EddyClientException) e).code())
                    .isEqualTo("producer_fenced");
        }
    }

    @Test
    void closeWithATimeoutFailsWhatIsStillUnanswered() {
        eddy.hang = true;
        var p = producer(Map.of());
        CompletableFuture<RecordMetadata> f =
                p.send(new ProducerRecord<>("t", 0, null, "a")).toCompletableFuture();
        p.close(java.time.Duration.ofMillis(50));
        assertThatThrownBy(f::join)
                .cause()
                .extracting(e -> ((EddyClientException) e).code())
                .isEqualTo("closed");
        assertThatThrownBy(() -> p.send(new ProducerRecord<>("t", 0, null, "b"))
                        .toCompletableFuture()
                        .join())
                .cause()
                .extracting(e -> ((EddyClientException) e).code())
                .isEqualTo("closed");
    }

    @Test
    void recordsLingerIntoOneBatchUntilBatchSizeFillsIt() {
        try (var p = producer(Map.of("linger.ms", "60000"))) {
            String[] values = new String[50];
            java.util.Arrays.fill(values, "x".repeat(10));
            sendAll(p, 1, values);
        }
        assertThat(eddy.produces).hasSize(1);
        assertThat(FakeEddy.frames(eddy.produces.get(0)).get(0).batch().countOrNull())
                .isEqualTo(50);

        eddy.produces.clear();
        try (var p = producer(Map.of("linger.ms", "60000", "batch.size", "1000"))) {
            String[] values = new String[50];
            java.util.Arrays.fill(values, "x".repeat(100));
            sendAll(p, 1, values);
        }
        List<FakeEddy.Frame> frames =
                eddy.produces.stream().flatMap(b -> FakeEddy.frames(b).stream()).toList();
        assertThat(frames.size()).isGreaterThanOrEqualTo(5);
        assertThat(frames).allSatisfy(f -> assertThat(f.batch().sizeInBytes()).isLessThanOrEqualTo(1_200));
        assertThat(frames.stream().mapToInt(f -> f.batch().countOrNull()).sum()).isEqualTo(50);
    }

    @Test
    void aPartitionsBacklogGoesInOneRequestWithSequencesFollowingOnAndIsRetriedWhole() {
        // A partition has one request in flight: the first (one record) is held unanswered while 50 more are sent,
        // so all of them are queued when the partition is free again, whatever the sender thread's timing.
        CompletableFuture<Void> release = new CompletableFuture<>();
        eddy.holds.put(1, release);
        eddy.policy = n -> n == 2 ? FakeEddy.problem(503, "not_leader", true) : null;
        List<RecordMetadata> acked;
        try (var p = producer(Map.of("linger.ms", "60000", "batch.size", "1000"))) {
            // larger than batch.size: a full batch at once, sent without waiting for the linger
            CompletableFuture<RecordMetadata> first =
                    p.send(new ProducerRecord<>("t", 0, null, "z".repeat(1200))).toCompletableFuture();
            eddy.arrival(1).join();
            List<CompletableFuture<RecordMetadata>> backlog = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                backlog.add(p.send(new ProducerRecord<>("t", 0, null, "y".repeat(100)))
                        .toCompletableFuture());
            }
            release.complete(null);
            p.flush();
            assertThat(first.join().offset()).isZero();
            acked = backlog.stream().map(CompletableFuture::join).toList();
        }
        assertThat(eddy.produces).hasSize(3);
        assertThat(eddy.produces.get(2)).isEqualTo(eddy.produces.get(1));
        List<FakeEddy.Frame> frames = FakeEddy.frames(eddy.produces.get(2));
        assertThat(frames.size()).isGreaterThanOrEqualTo(5);
        int expected = 1;
        for (FakeEddy.Frame f : frames) {
            assertThat(f.partition()).isZero();
            assertThat(f.batch().baseSequence()).isEqualTo(expected);
            expected += f.batch().countOrNull();
        }
        assertThat(expected).isEqualTo(51);
        assertThat(acked)
                .extracting(RecordMetadata::offset)
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.range(1, 51).boxed().toList());
    }

    @Test
    void aKeyGoesToKafkasMurmur2PartitionAndCompressionIsApplied() {
        try (var p = producer(Map.of("compression.type", "zstd"))) {
            RecordMetadata m = p.send(new ProducerRecord<>("t", "cust-7", "v"))
                    .toCompletableFuture()
                    .join();
            assertThat(m.partition()).isEqualTo(Utils.toPositive(Utils.murmur2("cust-7".getBytes())) % 2);
        }
        assertThat(FakeEddy.frames(eddy.produces.get(0)).get(0).batch().compressionType().name)
                .isEqualTo("zstd");
    }

    @Test
    void anUnknownTopicFailsTheSend() {
        try (var p = producer(Map.of())) {
            CompletableFuture<RecordMetadata> f =
                    p.send(new ProducerRecord<>("nope", "k", "v")).toCompletableFuture();
            assertThatThrownBy(f::join)
                    .cause()
                    .extracting(e -> ((EddyClientException) e).code())
                    .isEqualTo("unknown_topic");
        }
    }

    @Test
    void unknownSettingsAndBadValuesAreRefused() {
        assertThatThrownBy(() -> producer(Map.of("linger", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting 'linger'");
        assertThatThrownBy(() -> producer(Map.of("linger.ms", "soon"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> producer(Map.of("acks", "2"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> producer(Map.of("compression.type", "brotli")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
