package io.eddy.core.fetch;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.Produce;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EddyStackExtension.class)
class MultiFetchTest {
    @Test
    void eachPartitionGetsItsRecordsOrItsOwnError(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            String name = await(eddy.topics().create("multi-" + UUID.randomUUID(), 2, Map.of())).name().value();
            await(eddy.produce().produce(name, Produce.request(entry(1, null, "a", 1L), entry(1, null, "b", 2L))));

            List<PartitionOutcome> out = await(eddy.fetch().fetchMany(List.of(
                    new PartitionFetch(name, 1, 1, 1 << 20),
                    new PartitionFetch(name, 0, 5, 1 << 20),
                    new PartitionFetch(name, 7, 0, 1 << 20),
                    new PartitionFetch("missing-" + name, 0, 0, 1 << 20)), Duration.ZERO, 1));

            assertThat(out.get(0).result().records()).extracting(r -> Produce.text(r.value())).containsExactly("b");
            assertThat(out.get(1).error().code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
            assertThat(out.get(2).error().code()).isEqualTo(ErrorCode.UNKNOWN_PARTITION);
            assertThat(out.get(3).error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
        }
    }
}
