package io.eddy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smallrye.mutiny.Uni;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * The front end's decoding under arbitrary input, as the HTTP endpoints are fuzzed: a frame is either answered
 * (a response, possibly an error response) or refused as a frame that cannot be read (the connection closes);
 * nothing else escapes, nothing is allocated by a size the client gave before it is checked. The dispatcher here
 * answers only ApiVersions, so every other API's body is decoded by kafka-clients' classes and answered with its
 * {@code UNSUPPORTED_VERSION} error response: the decoding of every API is what is exercised.
 */
class DecoderFuzzTest {
    private static final KafkaSession OPEN = KafkaSession.open(new InetSocketAddress("127.0.0.1", 1));
    private final RequestDispatcher dispatcher = new RequestDispatcher(new ApiHandlers(List.of()), new KafkaCodec());

    @Property(tries = 2000)
    void arbitraryBytesAreAnsweredOrRefusedAsAFrameNeverAnythingElse(@ForAll @Size(max = 300) byte[] frame) {
        assertAnsweredOrRefused(frame);
    }

    @Property(tries = 1000)
    void anyApiKeyAndVersionWithArbitraryBodiesIsAnsweredOrRefused(
            @ForAll @IntRange(min = -2, max = 90) int apiKey,
            @ForAll @IntRange(min = -1, max = 20) int version,
            @ForAll @Size(max = 200) byte[] rest) {
        ByteBuffer frame = ByteBuffer.allocate(4 + rest.length);
        frame.putShort((short) apiKey).putShort((short) version).put(rest).flip();
        assertAnsweredOrRefused(frame.array());
    }

    @Property(tries = 2000)
    void validRequestsCutOrWithAByteChangedAreAnsweredOrRefused(
            @ForAll("valid") byte[] frame, @ForAll @IntRange(max = 10_000) int where, @ForAll byte value) {
        byte[] changed = frame.clone();
        changed[where % changed.length] = value;
        assertAnsweredOrRefused(changed);
        assertAnsweredOrRefused(Arrays.copyOf(frame, where % frame.length));
    }

    @Property(tries = 500)
    void aSizePrefixOutsideTheLimitClosesTheConnectionWithoutHoldingTheFrame(
            @ForAll @IntRange(min = Integer.MIN_VALUE, max = Integer.MAX_VALUE) int size) {
        int limit = 1 << 20;
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(limit, OPEN));
        ByteBuf in = Unpooled.buffer(8).writeInt(size).writeInt(0);

        channel.writeInbound(in);

        boolean outside = size < 0 || size > limit;
        assertThat(channel.isOpen()).isEqualTo(!outside);
        if (size >= 0 && size <= 4) { // the whole frame is there
            ByteBuf frame = channel.readInbound();
            assertThat(frame.readableBytes()).isEqualTo(size);
            frame.release();
        } else {
            assertThat((Object) channel.readInbound())
                    .as("nothing is emitted before the whole frame")
                    .isNull();
        }
        channel.finishAndReleaseAll();
    }

    @Example
    void aHandlerThatThrowsIsAnsweredWithItsApisErrorResponseNotAClosedConnection() throws Exception {
        ApiHandler throwing = new ApiHandler() {
            @Override
            public ApiKeys apiKey() {
                return ApiKeys.METADATA;
            }

            @Override
            public short oldestVersion() {
                return ApiKeys.METADATA.oldestVersion();
            }

            @Override
            public short latestVersion() {
                return ApiKeys.METADATA.latestVersion(false);
            }

            @Override
            public Uni<ApiMessage> handle(DecodedRequest request) {
                throw new IllegalStateException("a handler's bug");
            }
        };
        RequestDispatcher withBug = new RequestDispatcher(new ApiHandlers(List.of(throwing)), new KafkaCodec());
        byte[] metadata = frame(new MetadataRequest.Builder(new MetadataRequestData()).build((short) 12));

        Optional<ByteBuf> answer = withBug.dispatch(ByteBuffer.wrap(metadata), OPEN)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        assertThat(answer).isPresent();
        answer.get().release();
    }

    @Provide
    Arbitrary<byte[]> valid() {
        return Arbitraries.of(
                        new MetadataRequest.Builder(new MetadataRequestData().setTopics(null)).build((short) 12),
                        ProduceRequest.builder(new ProduceRequestData()
                                        .setAcks((short) -1)
                                        .setTimeoutMs(30_000))
                                .build((short) 9),
                        FetchRequest.Builder.forConsumer((short) 12, 500, 1, Map.of())
                                .build((short) 12),
                        new CreateTopicsRequest.Builder(new CreateTopicsRequestData()
                                        .setTimeoutMs(1000)
                                        .setTopics(new CreateTopicsRequestData.CreatableTopicCollection(
                                                List.of(new CreateTopicsRequestData.CreatableTopic()
                                                                .setName("t")
                                                                .setNumPartitions(3)
                                                                .setReplicationFactor((short) 1))
                                                        .iterator())))
                                .build((short) 7),
                        new JoinGroupRequest.Builder(new JoinGroupRequestData()
                                        .setGroupId("g")
                                        .setMemberId("")
                                        .setProtocolType("consumer")
                                        .setSessionTimeoutMs(10_000)
                                        .setRebalanceTimeoutMs(10_000))
                                .build((short) 9))
                .map(DecoderFuzzTest::frame);
    }

    private static byte[] frame(AbstractRequest request) {
        ByteBuffer bytes =
                request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(), "fuzz", 7));
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return out;
    }

    private void assertAnsweredOrRefused(byte[] frame) {
        CompletionStage<Optional<ByteBuf>> answer = dispatcher.dispatch(ByteBuffer.wrap(frame), OPEN);
        try {
            Optional<ByteBuf> response = answer.toCompletableFuture().get(10, TimeUnit.SECONDS);
            response.ifPresent(r -> {
                assertThat(r.readableBytes()).isGreaterThanOrEqualTo(8);
                assertThat(r.getInt(0)).isEqualTo(r.readableBytes() - 4);
                r.release();
            });
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(KafkaFrameException.class);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no answer to " + frame.length + " bytes", e);
        }
    }
}
