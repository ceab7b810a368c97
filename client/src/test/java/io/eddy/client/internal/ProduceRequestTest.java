package io.eddy.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.client.TopicPartition;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProduceRequestTest {
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition A2 = new TopicPartition("a", 2);
    private static final TopicPartition B0 = new TopicPartition("b", 0);

    @Test
    void eachTopicGetsRequestsOfItsOwn() {
        ProducerBatch a = Batches.sealed(A0, 10, 0);
        ProducerBatch b = Batches.sealed(B0, 10, 0);
        ProducerBatch a1 = Batches.sealed(A1, 10, 0);

        assertThat(ProduceRequest.pack(List.of(a, b, a1), 1_000))
                .containsExactly(new ProduceRequest("a", List.of(a, a1)), new ProduceRequest("b", List.of(b)));
    }

    @Test
    void aPartitionsBatchesStayTogetherAndInOrderWhilePartitionsAreSplitAtMaxRequestSize() {
        // frames of 8 + 40 bytes: two of a partition are 96, the limit 140
        ProducerBatch p0a = Batches.sealed(A0, 40, 0);
        ProducerBatch p1 = Batches.sealed(A1, 40, 0);
        ProducerBatch p0b = Batches.sealed(A0, 40, 0);
        ProducerBatch p2 = Batches.sealed(A2, 200, 0);

        List<ProduceRequest> requests = ProduceRequest.pack(List.of(p0a, p1, p0b, p2), 140);

        assertThat(requests)
                .containsExactly(
                        new ProduceRequest("a", List.of(p0a, p0b)),
                        new ProduceRequest("a", List.of(p1)),
                        new ProduceRequest("a", List.of(p2))); // larger than the limit, alone
    }
}
