package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.HeldPuts;
import io.eddy.core.model.Topic;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When a lane cuts its open segment. Behind a flush in flight: once that flush sends its commit, not before. Requests
 * that arrive while the flush ahead still writes share one segment (one PUT, one transaction) however far apart they
 * come; cut one by one, a Kafka producer's five requests in flight were spread over four flushes and answered one
 * or two per commit (docs/benchmarks.md). On a lane serving one request at a time (nothing in flight, the last
 * segment a single request): at once when the lane cut nothing for a linger, else a linger after its last cut (the
 * linger bounds the lane's PUT rate, it does not hold back a lone request).
 */
@ExtendWith(EddyStackExtension.class)
class SegmentCutTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final Duration LINGER = Duration.ofMillis(5);

    @Test
    void requestsArrivingWhileTheFlushAheadWritesShareOneSegmentCutOnceItCommits(EddyStack stack) throws Exception {
        AtomicReference<HeldPuts> puts = new AtomicReference<>();
        try (CoreInstance eddy = CoreInstance.on(stack)
                .groupCommit(LINGER, 8 << 20)
                .flushesInFlight(4)
                .produceSegments(s -> {
                    puts.set(new HeldPuts(s));
                    return puts.get();
                })
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("cut-" + UUID.randomUUID(), 1, Map.of()));
            String name = topic.name().value();

            // given: a flush in flight, held at its PUT (acks=0 is answered once its request is queued)
            await(eddy.produce().produce(name, plain("first", Acks.NONE)));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (puts.get().puts() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(puts.get().puts()).as("the first flush reached its PUT").isEqualTo(1);

            // when: three requests arrive behind it, each several lingers after the one before (the gaps are the
            // arrival pattern under test, not synchronisation: each request's linger runs out before the next)
            for (String value : List.of("second", "third", "fourth")) {
                await(eddy.produce().produce(name, plain(value, Acks.NONE)));
                Thread.sleep(LINGER.multipliedBy(4).toMillis());
            }

            // then: none of them was cut while the flush ahead had not committed
            assertThat(puts.get().puts())
                    .as("PUTs started while the first flush was held at its PUT")
                    .isEqualTo(1);

            // and once it commits, they go in one segment, and in order
            puts.get().release();
            List<RecordOffset> marker = await(eddy.produce().produce(name, plain("after", Acks.LEADER)));
            assertThat(marker.get(0).offset()).isEqualTo(4L);
            assertThat(puts.get().puts())
                    .as("one PUT for the three queued requests, at most one more for the last")
                    .isBetween(2, 3);
            List<String> values = eddy.values(name, 0);
            assertThat(values).containsExactly("first", "second", "third", "fourth", "after");
        }
    }

    @Test
    void aRequestToALaneThatCutNothingForALingerIsFlushedAtOnce(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack)
                .groupCommit(Duration.ofHours(1), 8 << 20)
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("idle-" + UUID.randomUUID(), 1, Map.of()));

            // an hour's linger: answered within the await's 30 s only if the lone request is not held for it
            List<RecordOffset> offsets =
                    await(eddy.produce().produce(topic.name().value(), plain("lone", Acks.LEADER)));

            assertThat(offsets).extracting(RecordOffset::offset).containsExactly(0L);
            assertThat(eddy.produceMetrics().segmentPuts()).isEqualTo(1);
        }
    }

    @Test
    void requestsWithinALingerOfTheLastCutWaitForItUnlessASegmentFills(EddyStack stack) {
        long segmentBytes = 4096;
        try (CoreInstance eddy = CoreInstance.on(stack)
                .groupCommit(Duration.ofHours(1), segmentBytes)
                .groupCommitClock(() -> 0L) // time stands still: the next linger never runs out
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("bound-" + UUID.randomUUID(), 1, Map.of()));
            String name = topic.name().value();

            // given: the lane cut a segment (at once: it never had cut one)
            await(eddy.produce().produce(name, plain("first", Acks.LEADER)));

            // when: two small requests come within the linger (queued, answered as such with acks=0), then one that
            // fills a segment on its own
            await(eddy.produce().produce(name, plain("second", Acks.NONE)));
            await(eddy.produce().produce(name, plain("third", Acks.NONE)));
            String big = "x".repeat((int) segmentBytes);
            List<RecordOffset> last = await(eddy.produce().produce(name, plain(big, Acks.LEADER)));

            // then: the two small ones waited and went together, cut by the full one behind them
            assertThat(last).extracting(RecordOffset::offset).containsExactly(3L);
            assertThat(eddy.produceMetrics().segmentPuts())
                    .as("first; second and third together; the full one")
                    .isEqualTo(3);
            List<String> values = eddy.values(name, 0);
            assertThat(values).containsExactly("first", "second", "third", big);
        }
    }

    private static ProduceRequest plain(String value, Acks acks) {
        return new ProduceRequest(List.of(entry(0, null, value, T0)), false, acks, Compression.NONE, null);
    }
}
