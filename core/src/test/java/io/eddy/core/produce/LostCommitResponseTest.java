package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static io.eddy.core.fixtures.Produce.request;
import static io.eddy.core.fixtures.Produce.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.LoseTransactWriteResponse;
import io.eddy.core.model.Topic;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The commit reaches DynamoDB and succeeds, but its response is lost: the produce must not report a failure
 * that would make the client send the records again.
 */
@ExtendWith(EddyStackExtension.class)
class LostCommitResponseTest {
    private static final long T0 = 1_764_000_000_000L;

    @Test
    void aCommitWhoseResponseIsLostIsAcknowledgedOnceWithItsOffsets(EddyStack stack) {
        LoseTransactWriteResponse lose = new LoseTransactWriteResponse();
        try (CoreInstance eddy =
                CoreInstance.on(stack).dynamoInterceptor(lose).start().ensureResources()) {
            Topic topic = await(eddy.topics().create("lost-ack-" + UUID.randomUUID(), 2, Map.of()));
            String name = topic.name().value();
            await(eddy.produce().produce(name, request(entry(1, null, "first", T0))));

            // when: the commit of a request spanning both partitions happens but its response is lost
            lose.arm();
            List<RecordOffset> acks = await(eddy.produce()
                    .produce(name, request(entry(0, null, "a", T0), entry(1, null, "b", T0), entry(1, null, "c", T0))));

            // then: the produce succeeded with the offsets the commit assigned, and the records are stored once
            assertThat(lose.lost()).isEqualTo(1);
            assertThat(acks)
                    .containsExactly(
                            new RecordOffset(0, 0, T0), new RecordOffset(1, 1, T0), new RecordOffset(1, 2, T0));
            assertThat(values(eddy, name, 0)).containsExactly("a");
            assertThat(values(eddy, name, 1)).containsExactly("first", "b", "c");
        }
    }

    private static List<String> values(CoreInstance eddy, String topic, int partition) {
        return await(eddy.coldFetch().fetch(new FetchRequest(topic, partition, 0, 500, 1 << 20, Duration.ZERO)))
                .records()
                .stream()
                .map(r -> text(r.value()))
                .toList();
    }
}
