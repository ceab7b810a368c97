package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.HeldPuts;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.CommitBatch;
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

/**
 * A partition's commit is one transaction (its head, its entry, the state and epoch check of every producer that
 * wrote to it), so one flush may carry at most as many idempotent producers per partition as fit in one: more
 * queued behind a flush go into the next one instead of failing the whole flush.
 */
@ExtendWith(EddyStackExtension.class)
class ManyProducersFlushTest {
    private static final long T0 = 1_764_000_000_000L;

    @Test
    void moreIdempotentProducersOnOnePartitionThanOneTransactionHoldsAreAllCommitted(EddyStack stack) {
        AtomicReference<HeldPuts> puts = new AtomicReference<>();
        try (CoreInstance eddy = CoreInstance.on(stack)
                .groupCommit(Duration.ZERO, 8 << 20)
                .produceSegments(s -> {
                    puts.set(new HeldPuts(s));
                    return puts.get();
                })
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("producers-" + UUID.randomUUID(), 1, Map.of()));
            String name = topic.name().value();
            // one more producer than a single partition's transaction can hold (2 items + 2 per producer)
            int producers = (CommitBatch.MAX_ITEMS - 2) / 2 + 1;
            List<ProducerRegistry.Registration> registered = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                registered.add(await(eddy.producers().register("p")));
            }

            // given: a flush in flight, held at its PUT, and every producer's record queued behind it (acks=0 is
            // answered once its request is queued, so each await below returns with the request in the lane)
            await(eddy.produce().produce(name, plain("first", Acks.NONE)));
            for (ProducerRegistry.Registration p : registered) {
                await(eddy.produce()
                        .produce(
                                name,
                                new ProduceRequest(
                                        List.of(entry(0, null, "from-" + p.producerId(), T0)),
                                        false,
                                        Acks.NONE,
                                        Compression.NONE,
                                        new ProducerFields(p.producerId(), p.epoch(), Map.of(0, 0)))));
            }

            // when: storage moves again, and one more record is acknowledged after all of them
            puts.get().release();
            List<RecordOffset> marker = await(eddy.produce().produce(name, plain("after", Acks.LEADER)));

            // then: every producer's record was committed before it, each once
            assertThat(marker.get(0).offset()).isEqualTo(producers + 1L);
            List<String> values = eddy.values(name, 0);
            assertThat(values)
                    .hasSize(producers + 2)
                    .doesNotHaveDuplicates()
                    .startsWith("first")
                    .endsWith("after");
        }
    }

    private static ProduceRequest plain(String value, Acks acks) {
        return new ProduceRequest(List.of(entry(0, null, value, T0)), false, acks, Compression.NONE, null);
    }
}
