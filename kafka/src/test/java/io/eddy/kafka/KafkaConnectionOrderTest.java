package io.eddy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smallrye.mutiny.Uni;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/**
 * A connection's pipelined requests: handled one after another, as a Kafka broker handles them, but produces,
 * which only wait for what came before them of other APIs.
 */
class KafkaConnectionOrderTest {
    /** A handler whose every call waits for the test to answer it. */
    private static final class Held implements ApiHandler {
        private final ApiKeys key;
        private final ApiMessage answer;
        final List<CompletableFuture<ApiMessage>> calls = new ArrayList<>();

        Held(ApiKeys key, ApiMessage answer) {
            this.key = key;
            this.answer = answer;
        }

        @Override
        public ApiKeys apiKey() {
            return key;
        }

        @Override
        public short oldestVersion() {
            return key.oldestVersion();
        }

        @Override
        public short latestVersion() {
            return key.latestVersion(false);
        }

        @Override
        public Uni<ApiMessage> handle(DecodedRequest request) {
            CompletableFuture<ApiMessage> call = new CompletableFuture<>();
            calls.add(call);
            return Uni.createFrom().completionStage(call);
        }

        void answer(int call) {
            calls.get(call).complete(answer);
        }
    }

    private final Held commits = new Held(ApiKeys.OFFSET_COMMIT, new OffsetCommitResponseData());
    private final Held produces = new Held(ApiKeys.PRODUCE, new ProduceResponseData());
    private final EmbeddedChannel channel = new EmbeddedChannel(new KafkaConnection(
            new RequestDispatcher(new ApiHandlers(List.of(commits, produces)), new KafkaCodec()),
            KafkaSession.open(new InetSocketAddress("127.0.0.1", 50_000))));
    private int correlationId;

    @Test
    void aPipelinedRequestIsHandledOnlyOnceTheOneBeforeItIsAnswered() {
        channel.writeInbound(frame(commit()), frame(commit()));

        assertThat(commits.calls).as("the second waits for the first's answer").hasSize(1);
        commits.answer(0);
        channel.runPendingTasks();

        assertThat(commits.calls).hasSize(2);
        commits.answer(1);
        channel.runPendingTasks();
        assertThat(correlationIdsWritten()).containsExactly(1, 2);
    }

    @Test
    void pipelinedProducesAreHandedOverAtOnceInTheOrderTheyCame() {
        channel.writeInbound(frame(produce()), frame(produce()), frame(produce()));

        assertThat(produces.calls).as("produces overlap").hasSize(3);
        produces.answer(1);
        produces.answer(2);
        produces.answer(0);
        channel.runPendingTasks();
        assertThat(correlationIdsWritten()).containsExactly(1, 2, 3);
    }

    @Test
    void aProduceWaitsForAnEarlierRequestOfAnotherApiAndARequestAfterItWaitsForTheProduce() {
        channel.writeInbound(frame(commit()), frame(produce()), frame(commit()));

        assertThat(produces.calls).isEmpty();
        commits.answer(0);
        channel.runPendingTasks();
        assertThat(produces.calls).hasSize(1);
        assertThat(commits.calls).as("the last commit waits for the produce").hasSize(1);
        produces.answer(0);
        channel.runPendingTasks();
        assertThat(commits.calls).hasSize(2);
        commits.answer(1);
        channel.runPendingTasks();
        assertThat(correlationIdsWritten()).containsExactly(1, 2, 3);
    }

    private AbstractRequest commit() {
        return OffsetCommitRequest.Builder.forTopicNames(new OffsetCommitRequestData()
                        .setGroupId("g")
                        .setGenerationIdOrMemberEpoch(-1)
                        .setMemberId(""))
                .build((short) 8);
    }

    private AbstractRequest produce() {
        return ProduceRequest.builder(
                        new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000))
                .build((short) 9);
    }

    private ByteBuf frame(AbstractRequest request) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "test", ++correlationId);
        ByteBuffer bytes = request.serializeWithHeader(header);
        return Unpooled.wrappedBuffer(bytes);
    }

    /** The correlation ids of the responses written so far, in order. */
    private List<Integer> correlationIdsWritten() {
        List<Integer> ids = new ArrayList<>();
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            out.readInt(); // size
            ids.add(out.readInt());
            out.release();
        }
        return ids;
    }
}
