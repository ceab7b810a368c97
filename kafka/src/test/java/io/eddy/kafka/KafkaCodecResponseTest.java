package io.eddy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fetch.ServedBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;

/** Response frames as {@link KafkaCodec} writes them: byte for byte kafka-clients' encoding, records not copied. */
class KafkaCodecResponseTest {
    private static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

    private final KafkaCodec codec = new KafkaCodec();

    /** Two batches side by side in one array, as core hands out views of one chunk. */
    private static List<ByteBuffer> batches() {
        MemoryRecords first =
                MemoryRecords.withRecords(0L, Compression.NONE, new SimpleRecord(1L, "k0".getBytes(), "v0".getBytes()));
        MemoryRecords second = MemoryRecords.withRecords(
                1L,
                Compression.gzip().build(),
                new SimpleRecord(2L, "k1".getBytes(), "v1".getBytes()),
                new SimpleRecord(3L, null, "v2".getBytes()));
        ByteBuffer chunk = ByteBuffer.allocate(first.sizeInBytes() + second.sizeInBytes());
        chunk.put(first.buffer()).put(second.buffer()).flip();
        ByteBuffer a = chunk.duplicate().limit(first.sizeInBytes());
        ByteBuffer b = chunk.duplicate().position(first.sizeInBytes());
        return List.of(a.slice(), b.slice());
    }

    private static FetchResponseData fetchResponse(BaseRecords records) {
        FetchResponseData response = new FetchResponseData().setSessionId(0);
        FetchableTopicResponse topic =
                new FetchableTopicResponse().setTopic("t").setTopicId(TOPIC_ID);
        topic.partitions()
                .add(new PartitionData()
                        .setPartitionIndex(0)
                        .setHighWatermark(3)
                        .setRecords(records));
        topic.partitions().add(new PartitionData().setPartitionIndex(1).setRecords(MemoryRecords.EMPTY));
        response.responses().add(topic);
        return response;
    }

    /** kafka-clients' own encoding of the frame: size, header, body, all in one buffer. */
    private static byte[] reference(ApiKeys key, short version, int correlationId, ApiMessage body) {
        ByteBuffer headerAndBody = RequestUtils.serialize(
                new ResponseHeaderData().setCorrelationId(correlationId),
                key.responseHeaderVersion(version),
                body,
                version);
        ByteBuffer frame = ByteBuffer.allocate(Integer.BYTES + headerAndBody.remaining());
        frame.putInt(headerAndBody.remaining()).put(headerAndBody);
        return frame.array();
    }

    /** The stored batches served 100 offsets further on than they are stored, as core serves a chunk's batches. */
    private static List<ServedBatch> served(List<ByteBuffer> stored) {
        return stored.stream()
                .map(b -> new ServedBatch(100 + b.getLong(b.position()), b))
                .toList();
    }

    private static ByteBuffer patched(List<ServedBatch> served) {
        return concatenated(served.stream().map(ServedBatch::patched).toList());
    }

    private static ByteBuffer concatenated(List<ByteBuffer> buffers) {
        ByteBuffer all = ByteBuffer.allocate(
                buffers.stream().mapToInt(ByteBuffer::remaining).sum());
        buffers.forEach(b -> all.put(b.duplicate()));
        return all.flip();
    }

    @Test
    void aFetchResponseOfStoredBatchesIsByteForByteWhatKafkaClientsWriteForTheSameRecords() {
        List<ServedBatch> batches = served(batches());
        for (short version = ApiKeys.FETCH.oldestVersion(); version <= ApiKeys.FETCH.latestVersion(false); version++) {
            ByteBuf frame = codec.encodeResponse(ApiKeys.FETCH, version, 42, fetchResponse(new StoredRecords(batches)));

            byte[] expected = reference(
                    ApiKeys.FETCH, version, 42, fetchResponse(MemoryRecords.readableRecords(patched(batches))));
            assertThat(ByteBufUtil.getBytes(frame)).as("v%d", version).isEqualTo(expected);
        }
    }

    @Test
    void theFrameReadsBackWithKafkaClientsAndItsBatchesAsStoredAtTheirRealBaseOffsets() {
        List<ServedBatch> batches = served(batches());
        short version = ApiKeys.FETCH.latestVersion(false);
        ByteBuf frame = codec.encodeResponse(ApiKeys.FETCH, version, 7, fetchResponse(new StoredRecords(batches)));

        ByteBuffer read = ByteBuffer.wrap(ByteBufUtil.getBytes(frame));
        assertThat(read.getInt()).isEqualTo(read.remaining());
        new ResponseHeaderData(new ByteBufferAccessor(read), ApiKeys.FETCH.responseHeaderVersion(version));
        FetchResponse parsed =
                (FetchResponse) AbstractResponse.parseResponse(ApiKeys.FETCH, new ByteBufferAccessor(read), version);

        MemoryRecords records = (MemoryRecords)
                parsed.data().responses().get(0).partitions().get(0).records();
        List<Long> bases = new ArrayList<>();
        records.batches().forEach(b -> bases.add(b.baseOffset()));
        assertThat(bases).containsExactly(100L, 101L);
        assertThat(new StoredRecords(batches).recordCount()).isEqualTo(3);
        assertThat(records.buffer()).isEqualTo(patched(batches));
        records.batches().forEach(RecordBatch::ensureValid);
    }

    @Test
    void recordsAreViewsOfTheBatchesNotCopies() {
        List<ByteBuffer> batches = batches();
        ByteBuf frame = codec.encodeResponse(
                ApiKeys.FETCH,
                ApiKeys.FETCH.latestVersion(false),
                1,
                fetchResponse(new StoredRecords(served(batches))));
        byte[] before = ByteBufUtil.getBytes(frame);

        // the batches change after encoding: a view sees it, a copy would not
        ByteBuffer second = batches.get(1);
        int last = second.limit() - 1;
        second.put(last, (byte) ~second.get(last));

        assertThat(frame).isInstanceOf(CompositeByteBuf.class);
        assertThat(ByteBufUtil.getBytes(frame)).isNotEqualTo(before);
    }

    @Test
    void aResponseWithoutRecordsIsOneArrayAsBefore() {
        MetadataResponseData metadata =
                new MetadataResponseData().setClusterId("c").setControllerId(0);
        short version = ApiKeys.METADATA.latestVersion(false);

        ByteBuf frame = codec.encodeResponse(ApiKeys.METADATA, version, 3, metadata);

        assertThat(frame).isNotInstanceOf(CompositeByteBuf.class);
        assertThat(frame.hasArray()).isTrue();
        assertThat(ByteBufUtil.getBytes(frame)).isEqualTo(reference(ApiKeys.METADATA, version, 3, metadata));
    }
}
