package io.eddy.kafka.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.auth.Principal;
import io.eddy.core.fixtures.HeldPuts;
import io.eddy.core.model.Record;
import io.eddy.core.produce.ProducerRegistry.Registration;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaSession;
import io.eddy.kafka.TopicIds;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Produce handler fed requests as clients write them: per-partition errors for what kafka-clients' producer
 * does not send on its own (sequence gaps, stale epochs, duplicates, transactions, bad acks, corrupt batches), and
 * the lifetime of the request's bytes.
 */
@ExtendWith(EddyStackExtension.class)
class ProduceHandlerTest {
    private static final short V12 = 12;
    private static final short V13 = 13;
    private static final long TIMESTAMP = 1_700_000_000_000L;

    private static KafkaFrontEnd eddy;
    private static ProduceHandler handler;
    private final KafkaSession session = KafkaSession.open(new InetSocketAddress("127.0.0.1", 1));

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
        handler = new ProduceHandler(eddy.services(), new KafkaErrors());
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @Test
    void aRetriedIdempotentBatchIsAnsweredWithoutErrorAtTheOffsetItWasFirstWrittenAt() {
        String topic = topic(1);
        Registration producer = register();
        produce(topic, 0, idempotent(producer, 0, "a", "b"));
        PartitionProduceResponse second = produce(topic, 0, idempotent(producer, 2, "c"));

        PartitionProduceResponse retried = produce(topic, 0, idempotent(producer, 2, "c"));

        assertThat(second.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(retried.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(retried.baseOffset()).isEqualTo(2).isEqualTo(second.baseOffset());
        assertThat(read(topic, 0)).extracting(r -> text(r.value())).containsExactly("a", "b", "c");
    }

    @Test
    void aSequenceGapIsOutOfOrderSequenceNumberAndWritesNothing() {
        String topic = topic(1);
        Registration producer = register();
        produce(topic, 0, idempotent(producer, 0, "a"));

        PartitionProduceResponse gap = produce(topic, 0, idempotent(producer, 5, "b"));

        assertThat(gap.errorCode()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());
        assertThat(gap.baseOffset()).isEqualTo(-1);
        assertThat(read(topic, 0)).hasSize(1);
    }

    @Test
    void aBatchOfAnEpochSinceBumpedIsInvalidProducerEpoch() {
        String topic = topic(1);
        Registration producer = register();
        produce(topic, 0, idempotent(producer, 0, "a"));
        Registration bumped = eddy.core()
                .producers()
                .bumpEpoch(producer.producerId(), producer.epoch(), Principal.OPEN.name())
                .await()
                .atMost(KafkaFrontEnd.AWAIT);
        produce(topic, 0, idempotent(bumped, 0, "b"));

        PartitionProduceResponse stale = produce(topic, 0, idempotent(producer, 1, "c"));

        assertThat(stale.errorCode()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH.code());
    }

    @Test
    void aProducerIdNeverRegisteredIsUnknownProducerId() {
        String topic = topic(1);

        PartitionProduceResponse unknown = produce(topic, 0, idempotent(new Registration(42, (short) 0), 0, "a"));

        assertThat(unknown.errorCode()).isEqualTo(Errors.UNKNOWN_PRODUCER_ID.code());
    }

    @Test
    void oneFailingPartitionLeavesTheOthersOfTheRequestWritten() {
        String topic = topic(3);
        ProduceRequestData request = request(
                (short) -1,
                new TopicProduceData()
                        .setName(topic)
                        .setPartitionData(List.of(
                                partition(0, plain("zero")),
                                partition(7, plain("nowhere")),
                                partition(2, corrupt(plain("bad"))))));

        List<PartitionProduceResponse> answers = answer(V12, request, session);

        assertThat(answers)
                .extracting(PartitionProduceResponse::index, PartitionProduceResponse::errorCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, Errors.NONE.code()),
                        org.assertj.core.groups.Tuple.tuple(7, Errors.UNKNOWN_TOPIC_OR_PARTITION.code()),
                        org.assertj.core.groups.Tuple.tuple(2, Errors.CORRUPT_MESSAGE.code()));
        assertThat(answers.get(2).errorMessage()).contains("CRC");
        assertThat(read(topic, 0)).extracting(r -> text(r.value())).containsExactly("zero");
        assertThat(read(topic, 2)).isEmpty();
    }

    @Test
    void aPartitionNamedTwiceIsWrittenOnceWithItsLastBatchAndAnsweredOnce() {
        String topic = topic(2);
        ProduceRequestData request = request(
                (short) -1,
                new TopicProduceData()
                        .setName(topic)
                        .setPartitionData(List.of(partition(0, plain("first")), partition(1, plain("one")))),
                new TopicProduceData().setName(topic).setPartitionData(List.of(partition(0, plain("last")))));

        List<PartitionProduceResponse> answers = answer(V12, request, session);

        // as a broker, which files a request's batches by partition: the last one named wins
        assertThat(answers)
                .extracting(PartitionProduceResponse::index, PartitionProduceResponse::errorCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, Errors.NONE.code()),
                        org.assertj.core.groups.Tuple.tuple(1, Errors.NONE.code()));
        assertThat(read(topic, 0)).extracting(r -> text(r.value())).containsExactly("last");
        assertThat(read(topic, 1)).extracting(r -> text(r.value())).containsExactly("one");
    }

    @Test
    void topicsAreNamedByIdFromVersion13AndAnUnknownIdIsUnknownTopicId() {
        String topic = topic(1);
        Uuid id = TopicIds.kafkaId(eddy.topics().require(topic).await().atMost(KafkaFrontEnd.AWAIT));
        Uuid unknown = Uuid.randomUuid();
        ProduceRequestData request = request(
                (short) 1,
                new TopicProduceData().setTopicId(id).setPartitionData(List.of(partition(0, plain("by-id")))),
                new TopicProduceData().setTopicId(unknown).setPartitionData(List.of(partition(0, plain("x")))));

        ProduceResponseData response = (ProduceResponseData) handle(V13, request, session);

        assertThat(response.responses())
                .extracting(t -> t.topicId(), t -> t.partitionResponses().get(0).errorCode())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(id, Errors.NONE.code()),
                        org.assertj.core.groups.Tuple.tuple(unknown, Errors.UNKNOWN_TOPIC_ID.code()));
        assertThat(read(topic, 0)).extracting(r -> text(r.value())).containsExactly("by-id");
    }

    @Test
    void anUnknownTopicNameIsUnknownTopicOrPartition() {
        ProduceRequestData request = request(
                (short) 1,
                new TopicProduceData()
                        .setName("missing-" + UUID.randomUUID())
                        .setPartitionData(List.of(partition(0, plain("x")))));

        assertThat(answer(V12, request, session))
                .extracting(PartitionProduceResponse::errorCode)
                .containsExactly(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void aTransactionalIdOrBatchIsRefusedAsTransactionalIdAuthorizationFailed() {
        String topic = topic(1);
        Registration producer = register();
        ProduceRequestData withId =
                request((short) -1, data(topic, 0, plain("a"))).setTransactionalId("tx");
        ProduceRequestData withBatch = request(
                (short) -1,
                data(
                        topic,
                        0,
                        MemoryRecords.withTransactionalRecords(
                                Compression.NONE,
                                producer.producerId(),
                                producer.epoch(),
                                0,
                                new SimpleRecord(TIMESTAMP, null, bytes("a")))));

        assertThat(answer(V12, withId, session).get(0).errorCode())
                .isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(answer(V12, withBatch, session).get(0).errorCode())
                .isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(read(topic, 0)).isEmpty();
    }

    @Test
    void acksOtherThanZeroOneOrMinusOneIsInvalidRequiredAcks() {
        String topic = topic(1);

        assertThat(answer(V12, request((short) 2, data(topic, 0, plain("a"))), session)
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.INVALID_REQUIRED_ACKS.code());
    }

    @Test
    void aPrincipalWithoutProduceOnTheTopicIsRefusedTopicAuthorizationFailed() {
        String topic = topic(1);
        KafkaSession reader = KafkaSession.unauthenticated(new InetSocketAddress("127.0.0.1", 2));
        reader.authenticatedAs(new Principal("reader", List.of()));

        assertThat(answer(V12, request((short) -1, data(topic, 0, plain("a"))), reader)
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        assertThat(read(topic, 0)).isEmpty();
    }

    /**
     * An acks=0 request is answered before its batch is written, and core keeps a slice of the request frame till
     * then: the frame is the request's own array ({@code FrameDecoderTest}), never a pooled buffer reused once the
     * request is answered.
     */
    @Test
    void acksZeroBatchesAreWrittenAfterTheAnswer() {
        String topic = topic(1);
        RawRequests.Framed framed = RawRequests.decode(
                ApiKeys.PRODUCE, V12, request((short) 0, data(topic, 0, plain("one", "two"))), session);

        ProduceResponseData answered =
                (ProduceResponseData) handler.handle(framed.request()).await().atMost(KafkaFrontEnd.AWAIT);

        assertThat(answered.responses()
                        .iterator()
                        .next()
                        .partitionResponses()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(CoreReads.awaitRecords(eddy, topic, 0, 2))
                .extracting(r -> text(r.value()))
                .containsExactly("one", "two");
    }

    @Test
    void aConnectionsPipelinedRequestsShareFlushesAndKeepTheirOrder() {
        String topic = topic(1);
        Registration producer = register();
        int requests = 10;
        List<RawRequests.Framed> framed = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            framed.add(RawRequests.decode(
                    ApiKeys.PRODUCE,
                    V12,
                    request((short) -1, data(topic, 0, idempotent(producer, 2 * i, "r" + i + "a", "r" + i + "b"))),
                    session));
        }
        long flushesBefore = eddy.core().produceMetrics().flushes();

        // sent as a producer with requests in flight sends them: each before the previous one is answered
        List<CompletableFuture<ApiMessage>> answers = framed.stream()
                .map(f -> handler.handle(f.request()).subscribeAsCompletionStage())
                .toList();
        List<Long> bases = answers.stream()
                .map(a -> ((ProduceResponseData)
                                a.orTimeout(30, TimeUnit.SECONDS).join())
                        .responses()
                        .iterator()
                        .next()
                        .partitionResponses()
                        .get(0))
                .peek(p -> assertThat(p.errorCode()).isEqualTo(Errors.NONE.code()))
                .map(PartitionProduceResponse::baseOffset)
                .toList();

        // one flush per request when each waits for the previous one's commit; a few when they are queued at once
        assertThat(eddy.core().produceMetrics().flushes() - flushesBefore).isLessThanOrEqualTo(requests / 2);
        assertThat(bases).containsExactly(0L, 2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            expected.add("r" + i + "a");
            expected.add("r" + i + "b");
        }
        assertThat(read(topic, 0)).extracting(r -> text(r.value())).containsExactlyElementsOf(expected);
    }

    @Test
    void aCommitSlowerThanTheRequestsTimeoutIsRequestTimedOutAndStillLandsOnceS3Moves(EddyStack stack) {
        HeldPuts[] puts = new HeldPuts[1];
        try (KafkaFrontEnd stalled =
                new KafkaFrontEnd(stack, core -> core.produceSegments(s -> puts[0] = new HeldPuts(s)))) {
            ProduceHandler slow = new ProduceHandler(stalled.services(), new KafkaErrors());
            String topic = "stalled-" + UUID.randomUUID();
            stalled.topics().create(topic, 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
            ProduceRequestData request =
                    request((short) -1, data(topic, 0, plain("late"))).setTimeoutMs(500);

            ProduceResponseData response =
                    (ProduceResponseData) slow.handle(RawRequests.decode(ApiKeys.PRODUCE, V12, request, session)
                                    .request())
                            .await()
                            .atMost(Duration.ofSeconds(20));

            PartitionProduceResponse answered =
                    response.responses().iterator().next().partitionResponses().get(0);
            assertThat(answered.errorCode()).isEqualTo(Errors.REQUEST_TIMED_OUT.code());
            assertThat(puts[0].puts()).as("the PUT is still held").isPositive();
            puts[0].release();
            assertThat(CoreReads.awaitRecords(stalled, topic, 0, 1))
                    .extracting(r -> text(r.value()))
                    .containsExactly("late");
        }
    }

    private static String topic(int partitions) {
        String name = "handler-" + UUID.randomUUID();
        eddy.topics().create(name, partitions, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        return name;
    }

    private static Registration register() {
        return eddy.core().producers().register(Principal.OPEN.name()).await().atMost(KafkaFrontEnd.AWAIT);
    }

    private static MemoryRecords idempotent(Registration producer, int sequence, String... values) {
        return MemoryRecords.withIdempotentRecords(
                Compression.NONE,
                producer.producerId(),
                producer.epoch(),
                sequence,
                Arrays.stream(values)
                        .map(v -> new SimpleRecord(TIMESTAMP, null, bytes(v)))
                        .toArray(SimpleRecord[]::new));
    }

    private static MemoryRecords plain(String... values) {
        return MemoryRecords.withRecords(
                Compression.NONE,
                Arrays.stream(values)
                        .map(v -> new SimpleRecord(TIMESTAMP, null, bytes(v)))
                        .toArray(SimpleRecord[]::new));
    }

    private static MemoryRecords corrupt(MemoryRecords records) {
        java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate(records.sizeInBytes());
        copy.put(records.buffer()).flip();
        copy.put(copy.limit() - 1, (byte) (copy.get(copy.limit() - 1) ^ 0xff));
        return MemoryRecords.readableRecords(copy);
    }

    private static PartitionProduceData partition(int index, MemoryRecords records) {
        return new PartitionProduceData().setIndex(index).setRecords(records);
    }

    private static TopicProduceData data(String topic, int partition, MemoryRecords records) {
        return new TopicProduceData().setName(topic).setPartitionData(List.of(partition(partition, records)));
    }

    private static ProduceRequestData request(short acks, TopicProduceData... topics) {
        TopicProduceDataCollection collection = new TopicProduceDataCollection();
        Arrays.stream(topics).forEach(collection::add);
        return new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000).setTopicData(collection);
    }

    private PartitionProduceResponse produce(String topic, int partition, MemoryRecords records) {
        return answer(V12, request((short) -1, data(topic, partition, records)), session)
                .get(0);
    }

    private static List<PartitionProduceResponse> answer(short version, ProduceRequestData request, KafkaSession as) {
        ProduceResponseData response = (ProduceResponseData) handle(version, request, as);
        return response.responses().iterator().next().partitionResponses();
    }

    private static Object handle(short version, ProduceRequestData request, KafkaSession as) {
        return handler.handle(RawRequests.decode(ApiKeys.PRODUCE, version, request, as)
                        .request())
                .await()
                .atMost(KafkaFrontEnd.AWAIT);
    }

    private static List<Record> read(String topic, int partition) {
        return CoreReads.read(eddy, topic, partition);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
