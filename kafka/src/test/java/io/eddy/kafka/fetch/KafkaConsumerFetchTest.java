package io.eddy.kafka.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.model.Header;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.produce.Acks;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.core.produce.RecordOffset;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** kafka-clients' own KafkaConsumer and Admin reading, through the front end, what core wrote. */
@ExtendWith(EddyStackExtension.class)
class KafkaConsumerFetchTest {
    static final long T0 = 1_764_000_000_000L;
    private static KafkaFrontEnd eddy;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    /** A record as a reader sees it, bytes as hex, so that any difference shows. */
    record Seen(int partition, long offset, long timestamp, String key, String value, List<String> headers) {}

    static Topic topic(int partitions) {
        return eddy.topics()
                .create("fetch-" + UUID.randomUUID(), partitions, Map.of())
                .await()
                .atMost(KafkaFrontEnd.AWAIT);
    }

    /** Produces through core, in one batch per partition compressed with {@code compression}; what was written. */
    static List<Seen> produce(Topic topic, Compression compression, List<ProduceRequest.Entry> entries) {
        List<RecordOffset> offsets = eddy.core()
                .produce()
                .produce(topic.name().value(), new ProduceRequest(entries, false, Acks.LEADER, compression, null))
                .await()
                .atMost(KafkaFrontEnd.AWAIT);
        List<Seen> written = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Record r = entries.get(i).record();
            written.add(new Seen(
                    offsets.get(i).partition(),
                    offsets.get(i).offset(),
                    r.timestamp(),
                    hex(r.key()),
                    hex(r.value()),
                    r.headers().stream()
                            .map(h -> h.name() + "=" + hex(h.value()))
                            .toList()));
        }
        return written;
    }

    static ProduceRequest.Entry entry(int partition, String key, String value, long timestamp) {
        return new ProduceRequest.Entry(partition, new Record(-1, timestamp, utf8(key), utf8(value), List.of()));
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String hex(byte[] bytes) {
        return bytes == null ? "null" : HexFormat.of().formatHex(bytes);
    }

    static Seen seen(ConsumerRecord<byte[], byte[]> r) {
        List<String> headers = new ArrayList<>();
        r.headers().forEach(h -> headers.add(h.key() + "=" + hex(h.value())));
        return new Seen(r.partition(), r.offset(), r.timestamp(), hex(r.key()), hex(r.value()), headers);
    }

    static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                eddy.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                30_000,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000));
        config.putAll(settings);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Polls until {@code count} records came (or the deadline passed), in the order they came. */
    static List<Seen> pollFor(KafkaConsumer<byte[], byte[]> consumer, int count) {
        List<Seen> seen = new ArrayList<>();
        long deadline = System.nanoTime() + KafkaFrontEnd.AWAIT.toNanos();
        while (seen.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(seen(r)));
        }
        return seen;
    }

    static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + KafkaFrontEnd.AWAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aConsumerReadsWhatCoreWroteByteForByteAcrossCompressedBatches() {
        Topic topic = topic(2);
        Random random = new Random(16);
        List<Seen> written = new ArrayList<>();
        List<Compression> codecs = List.of(
                Compression.NONE,
                Compression.gzip().build(),
                Compression.snappy().build(),
                Compression.lz4().build(),
                Compression.zstd().build());
        for (int round = 0; round < codecs.size(); round++) {
            List<ProduceRequest.Entry> entries = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                byte[] value = new byte[random.nextInt(300)];
                random.nextBytes(value);
                byte[] key = i % 3 == 0 ? null : ("key-" + round + "-" + i).getBytes(StandardCharsets.UTF_8);
                List<Header> headers = i % 2 == 0
                        ? List.of(new Header("h1", new byte[] {1, 2, (byte) 0xff}), new Header("h2", null))
                        : List.of();
                entries.add(new ProduceRequest.Entry(
                        i % 2, new Record(-1, T0 + round * 100 + i, key, i == 5 ? null : value, headers)));
            }
            written.addAll(produce(topic, codecs.get(round), entries));
        }
        TopicPartition p0 = new TopicPartition(topic.name().value(), 0);
        TopicPartition p1 = new TopicPartition(topic.name().value(), 1);

        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            consumer.assign(List.of(p0, p1));
            consumer.seekToBeginning(List.of(p0, p1));
            List<Seen> read = pollFor(consumer, written.size());

            assertThat(read).hasSize(written.size());
            for (int p = 0; p < 2; p++) {
                int partition = p;
                assertThat(read.stream().filter(s -> s.partition() == partition))
                        .as("partition %d, in offset order", p)
                        .containsExactlyElementsOf(written.stream()
                                .filter(s -> s.partition() == partition)
                                .toList());
            }
        }
    }

    @Test
    void aPollWaitingOnAnEmptyPartitionReturnsAsSoonAsARecordIsProduced() throws Exception {
        Topic topic = topic(1);
        TopicPartition tp = new TopicPartition(topic.name().value(), 0);
        int maxWaitMs = 15_000;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(
                Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, maxWaitMs, ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1))) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            assertThat(consumer.position(tp)).isZero();

            // once the consumer's fetch waits on the partition, another thread produces
            CompletableFuture<List<Seen>> produced = CompletableFuture.supplyAsync(() -> {
                awaitCondition(() -> eddy.core().signals().waiters(topic.id(), 0) > 0, "a fetch waiting");
                return produce(topic, Compression.NONE, List.of(entry(0, "k", "arrived", T0)));
            });
            long start = System.nanoTime();
            List<Seen> read = new ArrayList<>();
            consumer.poll(Duration.ofSeconds(40)).forEach(r -> read.add(seen(r)));
            long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertThat(read).containsExactlyElementsOf(produced.get());
            assertThat(tookMs).as("answered before fetch.max.wait.ms").isLessThan(maxWaitMs);
        }
    }

    /** The largest bytes of records one fetch response carried, as the consumer measured them. */
    static double fetchSizeMax(KafkaConsumer<byte[], byte[]> consumer) {
        for (Map.Entry<MetricName, ? extends Metric> m : consumer.metrics().entrySet()) {
            if (m.getKey().name().equals("fetch-size-max")
                    && m.getKey().group().equals("consumer-fetch-manager-metrics")
                    && !m.getKey().tags().containsKey("topic")) {
                return (double) m.getValue().metricValue();
            }
        }
        throw new AssertionError("no fetch-size-max metric");
    }

    static List<Seen> manyRecords(Topic topic, int partitions, int perPartition) {
        List<Seen> written = new ArrayList<>();
        for (int i = 0; i < perPartition; i++) {
            for (int p = 0; p < partitions; p++) {
                written.addAll(produce(
                        topic, Compression.NONE, List.of(entry(p, "k" + i, "v".repeat(1_000) + i, T0 + i))));
            }
        }
        return written;
    }

    @Test
    void maxPartitionFetchBytesBoundsWhatEachResponseCarriesOfAPartition() {
        Topic topic = topic(1);
        List<Seen> written = manyRecords(topic, 1, 30);
        TopicPartition tp = new TopicPartition(topic.name().value(), 0);

        try (KafkaConsumer<byte[], byte[]> consumer =
                consumer(Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 3_000))) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));

            assertThat(pollFor(consumer, written.size())).containsExactlyElementsOf(written);
            assertThat(fetchSizeMax(consumer)).isPositive().isLessThanOrEqualTo(3_000);
        }
    }

    @Test
    void fetchMaxBytesBoundsEachResponseAcrossPartitions() {
        Topic topic = topic(3);
        List<Seen> written = manyRecords(topic, 3, 12);
        List<TopicPartition> all = List.of(0, 1, 2).stream()
                .map(p -> new TopicPartition(topic.name().value(), p))
                .toList();

        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 5_000))) {
            consumer.assign(all);
            consumer.seekToBeginning(all);

            List<Seen> read = pollFor(consumer, written.size());
            assertThat(read).containsExactlyInAnyOrderElementsOf(written);
            assertThat(fetchSizeMax(consumer)).isPositive().isLessThanOrEqualTo(5_000);
        }
    }

    @Test
    void aPositionPastTheEndIsResetAsAutoOffsetResetSays() {
        Topic topic = topic(1);
        List<Seen> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.addAll(produce(topic, Compression.NONE, List.of(entry(0, null, "r" + i, T0 + i))));
        }
        TopicPartition tp = new TopicPartition(topic.name().value(), 0);

        try (KafkaConsumer<byte[], byte[]> earliest =
                consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            earliest.assign(List.of(tp));
            earliest.seek(tp, 1_000);
            assertThat(pollFor(earliest, 5)).containsExactlyElementsOf(written);
        }
        try (KafkaConsumer<byte[], byte[]> latest =
                consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"))) {
            latest.assign(List.of(tp));
            latest.seek(tp, 1_000);
            awaitCondition(
                    () -> {
                        assertThat(latest.poll(Duration.ofMillis(100))).isEmpty();
                        return latest.position(tp) == 5;
                    },
                    "the position reset to the end");
            List<Seen> next = produce(topic, Compression.NONE, List.of(entry(0, null, "after", T0 + 9)));
            assertThat(pollFor(latest, 1)).containsExactlyElementsOf(next);
        }
        try (KafkaConsumer<byte[], byte[]> none = consumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            none.assign(List.of(tp));
            none.seek(tp, 1_000);
            assertThatThrownBy(() -> {
                        long deadline = System.nanoTime() + KafkaFrontEnd.AWAIT.toNanos();
                        while (System.nanoTime() < deadline) {
                            none.poll(Duration.ofMillis(200));
                        }
                    })
                    .isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    /** Offsets 0..4 at T0, T0+1s, T0+50s, T0+3s, T0+50s: the largest timestamp first at offset 2. */
    static Topic timedTopic() {
        Topic topic = topic(1);
        long[] times = {T0, T0 + 1_000, T0 + 50_000, T0 + 3_000, T0 + 50_000};
        for (int i = 0; i < times.length; i++) {
            produce(topic, Compression.NONE, List.of(entry(0, null, "t" + i, times[i])));
        }
        return topic;
    }

    @Test
    void offsetsForTimesBeginningAndEndOffsetsComeFromListOffsets() {
        Topic topic = timedTopic();
        TopicPartition tp = new TopicPartition(topic.name().value(), 0);

        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            assertThat(consumer.offsetsForTimes(Map.of(tp, T0 + 1_500)))
                    .containsEntry(tp, new OffsetAndTimestamp(2, T0 + 50_000, java.util.Optional.of(0)));
            assertThat(consumer.offsetsForTimes(Map.of(tp, T0 + 1_000)).get(tp).offset())
                    .isEqualTo(1);
            assertThat(consumer.offsetsForTimes(Map.of(tp, T0 + 60_000)))
                    .as("no record at or after")
                    .containsEntry(tp, null);
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 5L);
        }
    }

    @Test
    void adminListsOffsetsByMaxTimestampEarliestLatestAndTime() throws Exception {
        Topic topic = timedTopic();
        TopicPartition tp = new TopicPartition(topic.name().value(), 0);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, eddy.bootstrapServers()))) {
            ListOffsetsResultInfo max = admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp()))
                    .partitionResult(tp)
                    .get();
            ListOffsetsResultInfo earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                    .partitionResult(tp)
                    .get();
            ListOffsetsResultInfo latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get();
            ListOffsetsResultInfo atTime = admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(T0 + 2_000)))
                    .partitionResult(tp)
                    .get();

            assertThat(max.offset())
                    .as("the first record with the largest timestamp")
                    .isEqualTo(2);
            assertThat(max.timestamp()).isEqualTo(T0 + 50_000);
            assertThat(max.leaderEpoch()).contains(0);
            assertThat(earliest.offset()).isZero();
            assertThat(latest.offset()).isEqualTo(5);
            assertThat(atTime.offset()).isEqualTo(2);
            assertThat(atTime.timestamp()).isEqualTo(T0 + 50_000);
        }
    }
}
