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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EddyStackExtension.class)
class MultiFetchTest {
    @Test
    void eachPartitionGetsItsRecordsOrItsOwnError(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            String name = await(eddy.topics().create("multi-" + UUID.randomUUID(), 2, Map.of()))
                    .name()
                    .value();
            await(eddy.produce().produce(name, Produce.request(entry(1, null, "a", 1L), entry(1, null, "b", 2L))));

            List<PartitionOutcome<FetchResult>> out = await(eddy.fetch()
                    .fetchMany(
                            List.of(
                                    new PartitionFetch(name, 1, 1, 1 << 20),
                                    new PartitionFetch(name, 0, 5, 1 << 20),
                                    new PartitionFetch(name, 7, 0, 1 << 20),
                                    new PartitionFetch("missing-" + name, 0, 0, 1 << 20)),
                            Duration.ZERO,
                            1,
                            50 << 20));

            assertThat(out.get(0).result().records())
                    .extracting(r -> Produce.text(r.value()))
                    .containsExactly("b");
            assertThat(out.get(1).error().code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
            assertThat(out.get(2).error().code()).isEqualTo(ErrorCode.UNKNOWN_PARTITION);
            assertThat(out.get(3).error().code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
        }
    }

    @Test
    void theWholeAnswerStaysWithinTheRequestsMaxBytesWhateverEachPartitionAllows(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            String name = await(eddy.topics().create("multi-" + UUID.randomUUID(), 4, Map.of()))
                    .name()
                    .value();
            for (int p = 0; p < 4; p++) {
                int partition = p;
                await(eddy.produce()
                        .produce(
                                name,
                                Produce.request(IntStream.range(0, 3)
                                        .mapToObj(i -> entry(
                                                partition, null, partition + "-" + i + "-" + "x".repeat(10_000), 1L))
                                        .toList())));
            }
            long total = 50_000;

            // every partition may return 1 MiB; the request as a whole at most 50,000 bytes
            List<PartitionOutcome<FetchResult>> out = await(eddy.fetch()
                    .fetchMany(
                            IntStream.range(0, 4)
                                    .mapToObj(p -> new PartitionFetch(name, p, 0, 1 << 20))
                                    .toList(),
                            Duration.ZERO,
                            1,
                            total));

            assertThat(out.stream().mapToLong(PartitionOutcome::bytes).sum()).isLessThanOrEqualTo(total);
            // in request order: all of the first, what fits of the second, nothing of the rest
            assertThat(out).extracting(o -> o.result().records().size()).containsExactly(3, 1, 0, 0);
            assertThat(out.get(1).result().nextOffset()).isEqualTo(1);
            assertThat(out.get(3).result().nextOffset())
                    .as("read again from where it was")
                    .isZero();
            assertThat(out.get(3).result().highWatermark())
                    .as("the head is still reported")
                    .isEqualTo(3);
        }
    }

    @Test
    void theFirstRecordComesEvenWhenLargerThanTheRequestsMaxBytesSoAConsumerMovesOn(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            String name = await(eddy.topics().create("multi-" + UUID.randomUUID(), 2, Map.of()))
                    .name()
                    .value();
            for (int p = 0; p < 2; p++) {
                await(eddy.produce().produce(name, Produce.request(entry(p, null, "x".repeat(10_000), 1L))));
            }

            List<PartitionOutcome<FetchResult>> out = await(eddy.fetch()
                    .fetchMany(
                            List.of(new PartitionFetch(name, 0, 0, 1 << 20), new PartitionFetch(name, 1, 0, 1 << 20)),
                            Duration.ZERO,
                            1,
                            1_000));

            assertThat(out).extracting(o -> o.result().records().size()).containsExactly(1, 0);
        }
    }

    @Test
    void storedBatchesComeWholeWithTheirRealBaseOffsetsAndOnlyTheFirstPartitionsBatchMayExceedItsLimit(
            EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            String name = await(eddy.topics().create("multi-" + UUID.randomUUID(), 3, Map.of()))
                    .name()
                    .value();
            for (int p = 0; p < 3; p++) {
                await(eddy.produce().produce(name, Produce.request(entry(p, null, "small", 1L))));
                await(eddy.produce().produce(name, Produce.request(entry(p, null, "x".repeat(10_000), 1L))));
            }

            // partition 0 from its large batch; partitions 1 and 2 from their small one, 1 allowing only that
            List<PartitionOutcome<BatchFetchResult>> out = await(eddy.fetch()
                    .fetchManyBatches(
                            List.of(
                                    new PartitionFetch(name, 0, 1, 1_000),
                                    new PartitionFetch(name, 1, 0, 1_000),
                                    new PartitionFetch(name, 2, 0, 1 << 20)),
                            Duration.ZERO,
                            1,
                            50 << 20));

            assertThat(out).extracting(o -> o.result().batches().size()).containsExactly(1, 1, 2);
            assertThat(out.get(0).result().batches().get(0).patched().getLong(0))
                    .as("the real base offset")
                    .isEqualTo(1);
            assertThat(out.get(0).bytes()).isGreaterThan(10_000);
            assertThat(out.get(1).result().nextOffset()).isEqualTo(1);
            assertThat(out.get(2).result().nextOffset()).isEqualTo(2);
            assertThat(out.get(2).result().highWatermark()).isEqualTo(2);
        }
    }
}
