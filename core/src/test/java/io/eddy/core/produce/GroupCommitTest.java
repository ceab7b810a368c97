package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Group commit: concurrent requests share segment objects and transactions, each keeping its own offsets. */
@ExtendWith(EddyStackExtension.class)
class GroupCommitTest {
    private static final long T0 = 1_764_000_000_000L;

    @Test
    void concurrentRequestsShareSegmentsAndEachGetsItsOwnContiguousOffsets(EddyStack stack) {
        int requests = 60;
        try (CoreInstance eddy = CoreInstance.on(stack)
                .groupCommit(Duration.ofMillis(50), 8 << 20)
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("group-" + UUID.randomUUID(), 3, Map.of()));
            String name = topic.name().value();

            // every request writes 2 records to each of the 3 partitions, all at once
            List<Uni<List<RecordOffset>>> all = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                int req = r;
                all.add(eddy.produce()
                        .produce(
                                name,
                                Produce.request(IntStream.range(0, 6)
                                        .mapToObj(i -> entry(i % 3, null, req + "-" + i, T0))
                                        .toList())));
            }
            List<List<RecordOffset>> results =
                    Uni.join().all(all).andFailFast().await().atMost(CoreInstance.AWAIT);

            Set<String> seen = new HashSet<>();
            for (int r = 0; r < requests; r++) {
                List<RecordOffset> offsets = results.get(r);
                for (int p = 0; p < 3; p++) {
                    RecordOffset first = offsets.get(p);
                    RecordOffset second = offsets.get(p + 3);
                    assertThat(second.offset())
                            .as("a request's records on a partition are contiguous")
                            .isEqualTo(first.offset() + 1);
                }
                offsets.forEach(o ->
                        assertThat(seen.add(o.partition() + "@" + o.offset())).isTrue());
            }
            for (int p = 0; p < 3; p++) {
                List<Record> log = await(
                                eddy.fetch().fetch(new FetchRequest(name, p, 0, 10_000, 8 << 20, Duration.ZERO)))
                        .records();
                assertThat(log).hasSize(2 * requests);
                for (int r = 0; r < requests; r++) {
                    RecordOffset o = results.get(r).get(p);
                    assertThat(Produce.text(log.get((int) o.offset()).value())).isEqualTo(r + "-" + p);
                }
            }
            ProduceMetrics m = eddy.produceMetrics();
            assertThat(m.segmentPuts()).as("PUTs per flush, not per request").isLessThan(requests / 2);
            assertThat(m.transactions())
                    .as("one transaction per flush here (3 partitions)")
                    .isEqualTo(m.flushes());
            assertThat(m.snapshot()).containsEntry("requests", (long) requests).containsEntry("records", 6L * requests);
        }
    }

    @Test
    void aFlushWithMorePartitionsThanOneTransactionHoldsSplitsIntoFew(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack)
                .groupCommit(Duration.ofMillis(50), 8 << 20)
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("group-" + UUID.randomUUID(), 80, Map.of()));
            String name = topic.name().value();

            List<Uni<List<RecordOffset>>> all = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                int req = r;
                all.add(eddy.produce()
                        .produce(
                                name,
                                Produce.request(IntStream.range(0, 20)
                                        .mapToObj(i -> entry(req * 20 + i, null, "v", T0))
                                        .toList())));
            }
            Uni.join().all(all).andFailFast().await().atMost(CoreInstance.AWAIT);

            ProduceMetrics m = eddy.produceMetrics();
            // 80 partitions × 2 items: two transactions per flush at most, however the requests were grouped
            assertThat(m.transactions()).isLessThanOrEqualTo(2 * m.flushes()).isLessThan(4 * 2);
            assertThat(await(eddy.metadata()
                                    .heads(
                                            topic.id(),
                                            IntStream.range(0, 80).boxed().toList()))
                            .values())
                    .allSatisfy(h -> assertThat(h.nextOffset()).isEqualTo(1));
        }
    }
}
