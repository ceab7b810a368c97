package io.eddy.kafka.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.model.Header;
import io.eddy.core.model.Record;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** kafka-clients' own KafkaProducer against the front end; what it wrote is read back through core. */
@ExtendWith(EddyStackExtension.class)
class KafkaProducerTest {
    private static final int RECORDS = 30;

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

    @Test
    void producerWithItsDefaultsWritesKeysValuesAndHeadersInOrderAtTheOffsetsItWasTold() throws Exception {
        String topic = topic(1, Map.of());
        List<RecordMetadata> acked;
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            acked = sendAll(producer, topic, 0, RECORDS);
        }

        assertThat(acked).extracting(RecordMetadata::offset).containsExactlyElementsOf(range(RECORDS));
        assertWritten(topic, 0, RECORDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyCompressionTypeIsStoredAndReadsBack(String compression) throws Exception {
        String topic = topic(1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer =
                producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression))) {
            sendAll(producer, topic, 0, RECORDS);
        }

        assertWritten(topic, 0, RECORDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "1"})
    void aNonIdempotentProducerWithAcksAllOrOneGetsItsOffsets(String acks) throws Exception {
        String topic = topic(2, Map.of());
        List<RecordMetadata> acked;
        try (KafkaProducer<byte[], byte[]> producer =
                producer(Map.of(ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            acked = sendAll(producer, topic, 1, RECORDS);
        }

        assertThat(acked).extracting(RecordMetadata::offset).containsExactlyElementsOf(range(RECORDS));
        assertWritten(topic, 1, RECORDS);
        assertThat(batches(topic, 1)).allSatisfy(b -> assertThat(b.producerId()).isEqualTo(RecordBatch.NO_PRODUCER_ID));
    }

    @Test
    void acksZeroRecordsAreWrittenThoughTheProducerLearnsNoOffsets() throws Exception {
        String topic = topic(1, Map.of());
        List<RecordMetadata> acked;
        try (KafkaProducer<byte[], byte[]> producer =
                producer(Map.of(ProducerConfig.ACKS_CONFIG, "0", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            acked = sendAll(producer, topic, 0, RECORDS);
        }

        assertThat(acked).extracting(RecordMetadata::offset).containsOnly(-1L);
        CoreReads.awaitRecords(eddy, topic, 0, RECORDS);
        assertWritten(topic, 0, RECORDS);
    }

    @Test
    void anIdempotentProducersBatchesCarryItsProducerIdAndEpochZeroAndTwoProducersGetDistinctIds() throws Exception {
        String topic = topic(1, Map.of());
        try (KafkaProducer<byte[], byte[]> first = producer(Map.of())) {
            sendAll(first, topic, 0, 3);
        }
        try (KafkaProducer<byte[], byte[]> second = producer(Map.of())) {
            sendAll(second, topic, 0, 3);
        }

        List<RecordBatch> batches = batches(topic, 0);
        assertThat(batches).allSatisfy(b -> {
            assertThat(b.producerId()).isPositive();
            assertThat(b.producerEpoch()).isZero();
        });
        assertThat(batches.stream().map(RecordBatch::producerId).distinct()).hasSize(2);
    }

    @Test
    void sendingToAnUnknownTopicTimesOutWaitingForItsMetadataAsAgainstAKafkaBroker() {
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000))) {
            Future<RecordMetadata> sent =
                    producer.send(new ProducerRecord<>("no-such-topic-" + UUID.randomUUID(), bytes("v")));

            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("not present in metadata");
        }
    }

    @Test
    void aRecordLargerThanTheTopicsMaxMessageBytesFailsWithRecordTooLarge() throws Exception {
        String topic = topic(1, Map.of("max.message.bytes", 1_000));
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.RETRIES_CONFIG, 0))) {
            Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, 0, null, new byte[5_000]));

            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(RecordTooLargeException.class);
            assertThat(producer.send(new ProducerRecord<>(topic, 0, null, new byte[100]))
                            .get(30, TimeUnit.SECONDS)
                            .offset())
                    .isZero();
        }
        assertThat(read(topic, 0)).hasSize(1);
    }

    static String topic(int partitions, Map<String, ?> config) {
        String name = "produce-" + UUID.randomUUID();
        eddy.topics().create(name, partitions, config).await().atMost(KafkaFrontEnd.AWAIT);
        return name;
    }

    static KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, eddy.bootstrapServers());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        config.putAll(overrides);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends {@code n} records (key, value and two headers each, one null-valued) and waits for every ack. */
    private static List<RecordMetadata> sendAll(
            KafkaProducer<byte[], byte[]> producer, String topic, int partition, int n) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                    topic,
                    partition,
                    1_700_000_000_000L + i,
                    bytes("key-" + i),
                    bytes("value-" + i),
                    List.of(new RecordHeader("h", bytes("header-" + i)), new RecordHeader("empty", null)));
            sent.add(producer.send(record));
        }
        List<RecordMetadata> acked = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            acked.add(f.get(30, TimeUnit.SECONDS));
        }
        return acked;
    }

    /** The partition holds exactly what {@link #sendAll} sent there, in order, at offsets 0 to n - 1. */
    private static void assertWritten(String topic, int partition, int n) {
        List<Record> records = read(topic, partition);
        assertThat(records).hasSize(n);
        for (int i = 0; i < n; i++) {
            Record r = records.get(i);
            assertThat(r.offset()).isEqualTo(i);
            assertThat(r.timestamp()).isEqualTo(1_700_000_000_000L + i);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("key-" + i);
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("value-" + i);
            assertThat(r.headers()).hasSize(2);
            Header h = r.headers().get(0);
            assertThat(h.name()).isEqualTo("h");
            assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("header-" + i);
            assertThat(r.headers().get(1).name()).isEqualTo("empty");
            assertThat(r.headers().get(1).value()).isNull();
        }
    }

    static List<Record> read(String topic, int partition) {
        return CoreReads.read(eddy, topic, partition);
    }

    static List<RecordBatch> batches(String topic, int partition) {
        List<RecordBatch> out = new ArrayList<>();
        eddy.core()
                .fetch()
                .fetchBatches(
                        new FetchRequest(topic, partition, 0, FetchRequest.MAX_MAX_RECORDS, 8 << 20, Duration.ZERO))
                .await()
                .atMost(KafkaFrontEnd.AWAIT)
                .batches()
                .forEach(b -> org.apache.kafka.common.record.MemoryRecords.readableRecords(b.patched())
                        .batches()
                        .forEach(out::add));
        return out;
    }

    private static List<Long> range(int n) {
        List<Long> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
