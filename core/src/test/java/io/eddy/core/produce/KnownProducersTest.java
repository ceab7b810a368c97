package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.dynamo.DynamoRequestCounter;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A process remembers the producer states and epochs it read or committed ({@link KnownProducers}), so an idempotent
 * producer's next flush reads neither; and what another process changed meanwhile is found by the commit's
 * conditions or decided again on fresh reads, never acted on.
 */
@ExtendWith(EddyStackExtension.class)
class KnownProducersTest {
    private static final long T0 = 1_764_000_000_000L;

    private static ProduceRequest batch(ProducerRegistry.Registration p, short epoch, int sequence, String prefix) {
        List<ProduceRequest.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            entries.add(entry(0, null, prefix + i, T0));
        }
        return new ProduceRequest(
                entries,
                false,
                Acks.ALL,
                Compression.NONE,
                new ProducerFields(p.producerId(), epoch, Map.of(0, sequence)));
    }

    private static List<Long> offsets(List<RecordOffset> acked) {
        return acked.stream().map(RecordOffset::offset).toList();
    }

    private static CoreInstance instance(EddyStack stack, String owner, DynamoRequestCounter calls) {
        return CoreInstance.on(stack)
                .leases(owner, Duration.ofSeconds(30))
                .dynamoInterceptor(calls)
                .topicCacheTtl(Duration.ofMinutes(1)) // as the server caches topics: a produce reads none
                .start()
                .ensureResources();
    }

    @Test
    void anIdempotentProducersNextFlushUnderTheLeaseReadsNothing(EddyStack stack) {
        DynamoRequestCounter calls = new DynamoRequestCounter();
        try (CoreInstance eddy = instance(stack, "a", calls)) {
            Topic topic = await(eddy.topics().create("known-" + UUID.randomUUID(), 1, Map.of()));
            ProducerRegistry.Registration p = await(eddy.producers().register("p"));
            await(eddy.produce().produce(topic.name().value(), batch(p, p.epoch(), 0, "a")));

            long reads = calls.count("BatchGetItem") + calls.count("GetItem") + calls.count("Query");
            List<RecordOffset> second =
                    await(eddy.produce().produce(topic.name().value(), batch(p, p.epoch(), 3, "b")));

            assertThat(offsets(second)).containsExactly(3L, 4L, 5L);
            // before: the producer's state and its registered epoch, read again for every flush
            assertThat(calls.count("BatchGetItem") + calls.count("GetItem") + calls.count("Query") - reads)
                    .isZero();
        }
    }

    @Test
    void aRetryOfABatchAnotherProcessCommittedGetsItsOffsetsAndStoresNothing(EddyStack stack) {
        try (CoreInstance a = instance(stack, "a", new DynamoRequestCounter());
                CoreInstance b = instance(stack, "b", new DynamoRequestCounter())) {
            Topic topic = await(a.topics().create("known-" + UUID.randomUUID(), 1, Map.of()));
            String name = topic.name().value();
            ProducerRegistry.Registration p = await(a.producers().register("p"));
            await(a.produce().produce(name, batch(p, p.epoch(), 0, "a"))); // a remembers sequence 2 as the last

            // the producer's connection moved to b, which committed its next batch; then it retries it on a
            List<RecordOffset> onB = await(b.produce().produce(name, batch(p, p.epoch(), 3, "b")));
            List<RecordOffset> retriedOnA = await(a.produce().produce(name, batch(p, p.epoch(), 3, "b")));

            assertThat(retriedOnA).isEqualTo(onB);
            assertThat(await(a.metadata().heads(topic.id(), List.of(0))).get(0).nextOffset())
                    .isEqualTo(6);
            // and its next batch follows b's on a, though a remembered the producer before b's batch
            assertThat(offsets(await(a.produce().produce(name, batch(p, p.epoch(), 6, "c")))))
                    .containsExactly(6L, 7L, 8L);
        }
    }

    @Test
    void anEpochBumpedByAnotherProcessIsReadAgainBeforeARefusal(EddyStack stack) {
        try (CoreInstance a = instance(stack, "a", new DynamoRequestCounter());
                CoreInstance b = instance(stack, "b", new DynamoRequestCounter())) {
            Topic topic = await(a.topics().create("known-" + UUID.randomUUID(), 1, Map.of()));
            String name = topic.name().value();
            ProducerRegistry.Registration p = await(a.producers().register("p"));
            await(a.produce().produce(name, batch(p, p.epoch(), 0, "a"))); // a remembers epoch 0

            ProducerRegistry.Registration bumped = await(b.producers().bumpEpoch(p.producerId(), p.epoch(), "p"));

            // the old epoch, which a remembers as current, is fenced by the commit's check of it
            EddyException fenced = catchThrowableOfType(
                    () -> await(a.produce().produce(name, batch(p, p.epoch(), 3, "old"))), EddyException.class);
            assertThat(fenced.code()).isEqualTo(ErrorCode.PRODUCER_FENCED);
            // and the new one, which a has never seen, is read again before it could be refused
            assertThat(offsets(await(a.produce().produce(name, batch(p, bumped.epoch(), 0, "new")))))
                    .containsExactly(3L, 4L, 5L);
            assertThat(await(a.metadata().heads(topic.id(), List.of(0))).get(0).nextOffset())
                    .isEqualTo(6);
        }
    }
}
