package io.eddy.kafka.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.auth.Grant;
import io.eddy.core.auth.Principal;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.core.storage.dynamo.DynamoRequestCounter;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaSession;
import io.eddy.kafka.TopicIds;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fetch, ListOffsets and OffsetForLeaderEpoch at every version, with requests Kafka's clients would not send as
 * they are (fetch sessions, unknown topic ids, leader epochs, huge limits), over a raw connection.
 */
@ExtendWith(EddyStackExtension.class)
class FetchProtocolTest {
    private static final long T0 = 1_764_000_000_000L;
    private static KafkaFrontEnd eddy;
    /** A topic of 2 partitions; partition 0 holds offsets 0..2 in two batches, partition 1 nothing. */
    private static Topic topic;

    private static String name() {
        return topic.name().value();
    }

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
        topic = eddy.topics()
                .create("proto-" + UUID.randomUUID(), 2, Map.of())
                .await()
                .atMost(KafkaFrontEnd.AWAIT);
        produce(entry("a", T0), entry("b", T0 + 1));
        produce(entry("c", T0 + 2));
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    private static ProduceRequest.Entry entry(String value, long timestamp) {
        return new ProduceRequest.Entry(0, new Record(-1, timestamp, null, value.getBytes(), List.of()));
    }

    private static void produce(ProduceRequest.Entry... entries) {
        eddy.core()
                .produce()
                .produce(name(), new ProduceRequest(List.of(entries), false))
                .await()
                .atMost(KafkaFrontEnd.AWAIT);
    }

    private static RawKafkaClient client() throws Exception {
        return new RawKafkaClient("127.0.0.1", eddy.port());
    }

    private static FetchTopic fetchTopic(short version, String topicName, Uuid id, FetchPartition... partitions) {
        FetchTopic t = version >= 13 ? new FetchTopic().setTopicId(id) : new FetchTopic().setTopic(topicName);
        return t.setPartitions(List.of(partitions));
    }

    private static FetchPartition fetchPartition(int partition, long offset) {
        return new FetchPartition()
                .setPartition(partition)
                .setFetchOffset(offset)
                .setPartitionMaxBytes(1 << 20)
                .setCurrentLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH);
    }

    private static FetchRequestData fetch(FetchTopic... topics) {
        return new FetchRequestData()
                .setReplicaId(-1)
                .setMaxWaitMs(0)
                .setMinBytes(0)
                .setMaxBytes(50 << 20)
                .setSessionId(0)
                .setSessionEpoch(-1)
                .setTopics(List.of(topics));
    }

    private static List<Long> offsets(PartitionData partition) {
        List<Long> offsets = new ArrayList<>();
        ((MemoryRecords) partition.records()).records().forEach(r -> offsets.add(r.offset()));
        return offsets;
    }

    private static PartitionData only(FetchResponse response) {
        return response.data().responses().get(0).partitions().get(0);
    }

    @Test
    void everyFetchVersionReadsTheStoredBatchesWithTheirOffsetsAndTheBoundsOfThePartition() throws Exception {
        try (RawKafkaClient client = client()) {
            for (short v = ApiKeys.FETCH.oldestVersion(); v <= ApiKeys.FETCH.latestVersion(false); v++) {
                FetchResponse response = client.send(
                        ApiKeys.FETCH,
                        v,
                        fetch(fetchTopic(
                                v, name(), TopicIds.kafkaId(topic), fetchPartition(0, 1), fetchPartition(1, 0))));

                FetchResponseData data = response.data();
                assertThat(data.errorCode()).as("v%d", v).isZero();
                assertThat(data.responses()).hasSize(1);
                PartitionData p0 = data.responses().get(0).partitions().get(0);
                PartitionData p1 = data.responses().get(0).partitions().get(1);
                assertThat(p0.errorCode()).isZero();
                assertThat(offsets(p0))
                        .as("v%d: whole batches from the one holding offset 1", v)
                        .containsExactly(0L, 1L, 2L);
                assertThat(p0.highWatermark()).isEqualTo(3);
                assertThat(p0.lastStableOffset()).isEqualTo(3);
                if (v >= 5) { // the log start offset is in the response from v5
                    assertThat(p0.logStartOffset()).isZero();
                }
                assertThat(p0.preferredReadReplica()).isEqualTo(-1);
                assertThat(p1.errorCode()).isZero();
                assertThat(offsets(p1)).isEmpty();
                assertThat(p1.highWatermark()).isZero();
            }
        }
    }

    @Test
    void fetchSessionsAreRefusedFullFetchesGetSessionIdZeroAndIncrementalOnesFetchSessionIdNotFound() throws Exception {
        short v = ApiKeys.FETCH.latestVersion(false);
        try (RawKafkaClient client = client()) {
            FetchRequestData full = fetch(fetchTopic(v, name(), TopicIds.kafkaId(topic), fetchPartition(0, 0)))
                    .setSessionEpoch(0);
            FetchResponse created = client.send(ApiKeys.FETCH, v, full);
            FetchResponse incremental = client.send(
                    ApiKeys.FETCH, v, full.duplicate().setSessionId(12).setSessionEpoch(1));

            assertThat(created.data().sessionId())
                    .as("a full fetch asking for a session gets none")
                    .isZero();
            assertThat(offsets(only(created))).containsExactly(0L, 1L, 2L);
            assertThat(incremental.error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
            assertThat(incremental.data().sessionId()).isZero();
        }
    }

    @Test
    void topicsUnknownByIdOrByNameAnswerEachPartitionWithTheirError() throws Exception {
        try (RawKafkaClient client = client()) {
            short v = ApiKeys.FETCH.latestVersion(false);
            FetchResponse byId =
                    client.send(ApiKeys.FETCH, v, fetch(fetchTopic(v, null, Uuid.randomUuid(), fetchPartition(0, 0))));
            FetchResponse byName = client.send(
                    ApiKeys.FETCH,
                    (short) 12,
                    fetch(fetchTopic((short) 12, "no-such-topic", null, fetchPartition(0, 0))));
            FetchResponse noPartition = client.send(
                    ApiKeys.FETCH, v, fetch(fetchTopic(v, null, TopicIds.kafkaId(topic), fetchPartition(9, 0))));
            FetchResponse beyond = client.send(
                    ApiKeys.FETCH, v, fetch(fetchTopic(v, null, TopicIds.kafkaId(topic), fetchPartition(0, 99))));

            assertThat(only(byId).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(only(byName).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(only(noPartition).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(only(beyond).errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
            assertThat(only(beyond).highWatermark()).isEqualTo(-1);
        }
    }

    @Test
    void aFetchNamingLeaderEpochZeroOrNoneReadsAndANewerOneIsUnknownLeaderEpoch() throws Exception {
        short v = ApiKeys.FETCH.latestVersion(false);
        try (RawKafkaClient client = client()) {
            for (int epoch : new int[] {-1, 0}) {
                FetchResponse read = client.send(
                        ApiKeys.FETCH,
                        v,
                        fetch(fetchTopic(
                                v,
                                null,
                                TopicIds.kafkaId(topic),
                                fetchPartition(0, 0).setCurrentLeaderEpoch(epoch))));
                assertThat(only(read).errorCode()).as("epoch %d", epoch).isZero();
            }
            FetchResponse newer = client.send(
                    ApiKeys.FETCH,
                    v,
                    fetch(fetchTopic(
                            v,
                            null,
                            TopicIds.kafkaId(topic),
                            fetchPartition(0, 0).setCurrentLeaderEpoch(3))));
            assertThat(only(newer).errorCode()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
        }
    }

    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    @Test
    void aFetchWithHugeLimitsOnASmallTopicAllocatesNothingLikeThem() throws Exception {
        short v = ApiKeys.FETCH.latestVersion(false);
        try (RawKafkaClient client = client()) {
            FetchRequestData huge = fetch(fetchTopic(
                            v,
                            null,
                            TopicIds.kafkaId(topic),
                            fetchPartition(0, 0).setPartitionMaxBytes(Integer.MAX_VALUE),
                            fetchPartition(1, 0).setPartitionMaxBytes(Integer.MAX_VALUE)))
                    .setMaxBytes(Integer.MAX_VALUE);
            client.send(ApiKeys.FETCH, v, huge); // warm: classes, caches, pools

            long before = allocatedBytes();
            FetchResponse response = client.send(ApiKeys.FETCH, v, huge);
            long allocated = allocatedBytes() - before;

            assertThat(offsets(only(response))).containsExactly(0L, 1L, 2L);
            // every thread of the JVM counts (other tests' clients may still be winding down): the bound is far
            // below the 2 GiB a buffer sized by the limits would take, and far above the noise
            assertThat(allocated).as("bytes allocated in this JVM by the fetch").isLessThan(256L << 20);
        }
    }

    @Test
    void listOffsetsAtEveryVersionAnswersEarliestLatestAndTheSpecialTimestampsOfABrokerWithoutTiering()
            throws Exception {
        try (RawKafkaClient client = client()) {
            for (short v = ApiKeys.LIST_OFFSETS.oldestVersion(); v <= ApiKeys.LIST_OFFSETS.latestVersion(false); v++) {
                ListOffsetsRequestData request = new ListOffsetsRequestData()
                        .setReplicaId(-1)
                        .setTopics(List.of(
                                new ListOffsetsTopic()
                                        .setName(name())
                                        .setPartitions(List.of(
                                                listAt(0, -2), // earliest
                                                listAt(1, -1))), // latest of an empty partition
                                new ListOffsetsTopic().setName("no-such-topic").setPartitions(List.of(listAt(0, -1)))));
                ListOffsetsResponse response = client.send(ApiKeys.LIST_OFFSETS, v, request);

                List<ListOffsetsPartitionResponse> known =
                        response.data().topics().get(0).partitions();
                assertThat(known.get(0).errorCode()).as("v%d", v).isZero();
                assertThat(known.get(0).offset()).isZero();
                assertThat(known.get(1).offset()).isZero();
                assertThat(response.data().topics().get(1).partitions().get(0).errorCode())
                        .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
            short v = ApiKeys.LIST_OFFSETS.latestVersion(false);
            ListOffsetsResponse special = client.send(
                    ApiKeys.LIST_OFFSETS,
                    v,
                    new ListOffsetsRequestData()
                            .setReplicaId(-1)
                            .setTopics(List.of(new ListOffsetsTopic()
                                    .setName(name())
                                    .setPartitions(List.of(listAt(0, -1), listAt(1, -4))))));
            ListOffsetsResponse tiered = client.send(
                    ApiKeys.LIST_OFFSETS,
                    v,
                    new ListOffsetsRequestData()
                            .setReplicaId(-1)
                            .setTopics(List.of(
                                    new ListOffsetsTopic().setName(name()).setPartitions(List.of(listAt(0, -5))))));
            List<ListOffsetsPartitionResponse> answers =
                    new ArrayList<>(special.data().topics().get(0).partitions());
            answers.addAll(tiered.data().topics().get(0).partitions());
            assertThat(answers.get(0).offset()).as("latest").isEqualTo(3);
            assertThat(answers.get(0).leaderEpoch()).isZero();
            assertThat(answers.get(1).offset()).as("earliest-local: earliest").isZero();
            assertThat(answers.get(2).errorCode()).isZero();
            assertThat(answers.get(2).offset())
                    .as("latest-tiered: nothing is tiered")
                    .isEqualTo(-1);
            assertThat(answers.get(2).leaderEpoch()).isEqualTo(-1);
        }
    }

    @Test
    void listOffsetsReadsTheHeadsOfATopicsPartitionsInOneCall(EddyStack stack) throws Exception {
        DynamoRequestCounter calls = new DynamoRequestCounter();
        KafkaFrontEnd counted = new KafkaFrontEnd(stack, b -> b.dynamoInterceptor(calls));
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", counted.port())) {
            String six = counted.topics()
                    .create("heads-" + UUID.randomUUID(), 6, Map.of())
                    .await()
                    .atMost(KafkaFrontEnd.AWAIT)
                    .name()
                    .value();
            counted.core()
                    .produce()
                    .produce(
                            six,
                            new ProduceRequest(
                                    List.of(new ProduceRequest.Entry(
                                            3, new Record(-1, T0, null, "x".getBytes(), List.of()))),
                                    false))
                    .await()
                    .atMost(KafkaFrontEnd.AWAIT);
            ListOffsetsRequestData request = new ListOffsetsRequestData()
                    .setReplicaId(-1)
                    .setTopics(List.of(new ListOffsetsTopic()
                            .setName(six)
                            .setPartitions(List.of(
                                    listAt(0, -2),
                                    listAt(1, -2),
                                    listAt(2, -4),
                                    listAt(3, -1),
                                    listAt(4, -1),
                                    listAt(5, -5),
                                    listAt(9, -1))))); // out of the topic's range

            long before = calls.count("BatchGetItem");
            ListOffsetsResponse response =
                    client.send(ApiKeys.LIST_OFFSETS, ApiKeys.LIST_OFFSETS.latestVersion(false), request);

            // before: one head read per partition (6)
            assertThat(calls.count("BatchGetItem") - before)
                    .as("head reads of one ListOffsets")
                    .isEqualTo(1);
            List<ListOffsetsPartitionResponse> answers =
                    response.data().topics().get(0).partitions();
            assertThat(answers)
                    .extracting(ListOffsetsPartitionResponse::offset)
                    .containsExactly(0L, 0L, 0L, 1L, 0L, -1L, -1L);
            assertThat(answers)
                    .extracting(ListOffsetsPartitionResponse::errorCode)
                    .containsExactly(
                            (short) 0,
                            (short) 0,
                            (short) 0,
                            (short) 0,
                            (short) 0,
                            (short) 0,
                            Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } finally {
            counted.close();
        }
    }

    private static ListOffsetsPartition listAt(int partition, long timestamp) {
        return new ListOffsetsPartition()
                .setPartitionIndex(partition)
                .setTimestamp(timestamp)
                .setCurrentLeaderEpoch(-1);
    }

    @Test
    void aPartitionNamedTwiceInListOffsetsIsAnInvalidRequest() throws Exception {
        try (RawKafkaClient client = client()) {
            ListOffsetsResponse response = client.send(
                    ApiKeys.LIST_OFFSETS,
                    ApiKeys.LIST_OFFSETS.latestVersion(false),
                    new ListOffsetsRequestData()
                            .setReplicaId(-1)
                            .setTopics(List.of(new ListOffsetsTopic()
                                    .setName(name())
                                    .setPartitions(List.of(listAt(0, -1), listAt(0, -2), listAt(1, -1))))));

            assertThat(response.data().topics().get(0).partitions())
                    .extracting(ListOffsetsPartitionResponse::errorCode)
                    .containsExactly(Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.NONE.code());
        }
    }

    @Test
    void offsetForLeaderEpochAnswersEpochZeroAndTheHighWatermarkForAnyEpochAtEveryVersion() throws Exception {
        try (RawKafkaClient client = client()) {
            for (short v = ApiKeys.OFFSET_FOR_LEADER_EPOCH.oldestVersion();
                    v <= ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(false);
                    v++) {
                OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
                request.topics()
                        .add(new OffsetForLeaderTopic()
                                .setTopic(name())
                                .setPartitions(List.of(
                                        epochOf(0, 0, 0),
                                        epochOf(0, -1, 5),
                                        epochOf(1, 0, 0),
                                        epochOf(0, 0, -1),
                                        epochOf(0, 2, 0))));
                request.topics()
                        .add(new OffsetForLeaderTopic()
                                .setTopic("no-such-topic")
                                .setPartitions(List.of(epochOf(0, 0, 0))));
                OffsetsForLeaderEpochResponse response = client.send(ApiKeys.OFFSET_FOR_LEADER_EPOCH, v, request);

                List<EpochEndOffset> known =
                        response.data().topics().find(name()).partitions();
                assertThat(known.get(0)).as("v%d", v).isEqualTo(endOffset(0, Errors.NONE, 0, 3));
                assertThat(known.get(1)).isEqualTo(endOffset(0, Errors.NONE, 0, 3));
                assertThat(known.get(2)).isEqualTo(endOffset(1, Errors.NONE, 0, 0));
                assertThat(known.get(3)).as("no epoch").isEqualTo(endOffset(0, Errors.NONE, -1, -1));
                assertThat(known.get(4)).isEqualTo(endOffset(0, Errors.UNKNOWN_LEADER_EPOCH, -1, -1));
                assertThat(response.data()
                                .topics()
                                .find("no-such-topic")
                                .partitions()
                                .get(0)
                                .errorCode())
                        .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
        }
    }

    private static OffsetForLeaderPartition epochOf(int partition, int currentLeaderEpoch, int leaderEpoch) {
        return new OffsetForLeaderPartition()
                .setPartition(partition)
                .setCurrentLeaderEpoch(currentLeaderEpoch)
                .setLeaderEpoch(leaderEpoch);
    }

    private static EpochEndOffset endOffset(int partition, Errors error, int epoch, long offset) {
        return new EpochEndOffset()
                .setPartition(partition)
                .setErrorCode(error.code())
                .setLeaderEpoch(epoch)
                .setEndOffset(offset);
    }

    /** A handler of {@link FetchApis} answering {@code body} for a connection authenticated as {@code principal}. */
    private static ApiMessage handle(ApiKeys key, ApiMessage body, Principal principal) {
        short version = key.latestVersion(false);
        ApiHandler handler =
                FetchApis.handlers(eddy.services(), new BrokerNode(0, "127.0.0.1", eddy.port()), new KafkaErrors())
                        .stream()
                        .filter(h -> h.apiKey() == key)
                        .findFirst()
                        .orElseThrow();
        ByteBuffer bytes = MessageUtil.toByteBufferAccessor(body, version).buffer();
        AbstractRequest request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(bytes)).request;
        KafkaSession session = KafkaSession.unauthenticated(new InetSocketAddress("127.0.0.1", 1));
        session.authenticatedAs(principal);
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(key.id)
                .setRequestApiVersion(version)
                .setClientId("t")
                .setCorrelationId(1);
        return handler.handle(new DecodedRequest(key, version, header, request, session))
                .await()
                .atMost(KafkaFrontEnd.AWAIT);
    }

    @Test
    void aPrincipalWithoutConsumeIsRefusedTheFetchAndOneWithoutAnyGrantTheOffsetsOfTheTopic() {
        Principal producer = new Principal("producer", List.of(Grant.parse("produce:topic:" + name())));
        Principal stranger = new Principal("stranger", List.of());
        short v = ApiKeys.FETCH.latestVersion(false);
        FetchRequestData fetch = fetch(fetchTopic(v, null, TopicIds.kafkaId(topic), fetchPartition(0, 0)));
        ListOffsetsRequestData list = new ListOffsetsRequestData()
                .setReplicaId(-1)
                .setTopics(List.of(new ListOffsetsTopic().setName(name()).setPartitions(List.of(listAt(0, -1)))));

        FetchResponseData refused = (FetchResponseData) handle(ApiKeys.FETCH, fetch, producer);
        ListOffsetsResponseData described = (ListOffsetsResponseData) handle(ApiKeys.LIST_OFFSETS, list, producer);
        ListOffsetsResponseData hidden = (ListOffsetsResponseData) handle(ApiKeys.LIST_OFFSETS, list, stranger);

        assertThat(refused.responses().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        assertThat(described.topics().get(0).partitions().get(0).offset()).isEqualTo(3);
        assertThat(hidden.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
    }
}
