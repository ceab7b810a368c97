package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.HeldPuts;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.Record;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Group commit holds a bounded number of bytes: a full lane refuses at once (429), acks=0 included. */
@ExtendWith(EddyStackExtension.class)
class LaneLimitTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final long LANE_BYTES = 64 << 10;
    /** An acks=0 produce is answered as soon as it is queued: this is far longer than that takes. */
    private static final Duration QUEUED_WITHIN = Duration.ofSeconds(5);

    private static ProduceRequest request(Acks acks, String value) {
        return new ProduceRequest(List.of(entry(0, null, value, T0)), false, acks, Compression.NONE, null);
    }

    @Test
    void aFullLaneRefusesAcksZeroAtOnceAndCommitsEverythingItTookOnceStorageMovesAgain(EddyStack stack) {
        AtomicReference<HeldPuts> puts = new AtomicReference<>();
        try (CoreInstance eddy = CoreInstance.on(stack)
                .groupCommit(Duration.ZERO, 16 << 10) // every request fills a segment: flushed at once
                .flushesInFlight(2)
                .queueLimits(new QueueLimits(LANE_BYTES, 4 * LANE_BYTES))
                .produceSegments(s -> {
                    puts.set(new HeldPuts(s));
                    return puts.get();
                })
                .start()
                .ensureResources()) {
            String name = await(eddy.topics().create("lanes-" + UUID.randomUUID(), 1, Map.of()))
                    .name()
                    .value();
            GroupCommitAppender lane = (GroupCommitAppender) eddy.appender();

            // given: S3 takes no PUT, and acks=0 requests of ~20 KB keep coming
            List<String> accepted = new ArrayList<>();
            EddyException refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                String value = i + "-" + "x".repeat(20_000);
                try {
                    eddy.produce()
                            .produce(name, request(Acks.NONE, value))
                            .await()
                            .atMost(QUEUED_WITHIN);
                    accepted.add(value);
                } catch (EddyException e) {
                    refused = e;
                }
            }

            // then: answered at once until the lane is full, then refused at once with throttled
            assertThat(refused).as("a full lane refuses").isNotNull();
            assertThat(refused.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(refused.code().status()).isEqualTo(429);
            assertThat(refused.retryable()).isTrue();
            assertThat(accepted)
                    .as("the flushes' requests and the ones queued behind them")
                    .hasSizeGreaterThan(2);
            assertThat(puts.get().puts())
                    .as("two flushes in flight per lane, no more")
                    .isEqualTo(2);
            assertThat(20_000L * accepted.size())
                    .as("bytes taken stay within the lane's bound")
                    .isLessThanOrEqualTo(LANE_BYTES);
            assertThat(lane.queuedBytes()).isGreaterThan(0).isLessThanOrEqualTo(LANE_BYTES);
            // acks=1 is refused at once too, rather than queued behind a stalled flush
            EddyException acked = catchThrowableOfType(
                    () -> eddy.produce()
                            .produce(name, request(Acks.LEADER, "late-" + "x".repeat(20_000)))
                            .await()
                            .atMost(QUEUED_WITHIN),
                    EddyException.class);
            assertThat(acked.code()).isEqualTo(ErrorCode.THROTTLED);

            // when: storage moves again
            puts.get().release();

            // then: everything accepted before is committed, in order, and the lane is empty again
            List<RecordOffset> marker = await(eddy.produce().produce(name, request(Acks.LEADER, "after")));
            assertThat(marker.get(0).offset()).isEqualTo(accepted.size());
            List<Record> log = await(eddy.fetch().fetch(new FetchRequest(name, 0, 0, 100, 8 << 20, Duration.ZERO)))
                    .records();
            assertThat(log)
                    .extracting(r -> Produce.text(r.value()))
                    .containsExactlyElementsOf(concat(accepted, "after"));
            assertThat(lane.queuedBytes()).isZero();
        }
    }

    private static List<String> concat(List<String> values, String last) {
        List<String> out = new ArrayList<>(values);
        out.add(last);
        return out;
    }
}
