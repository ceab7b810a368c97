package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static io.eddy.core.fixtures.Produce.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.ConflictingMetadataStore;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.support.RetryPolicy;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A commit that loses the race for its heads is retried with fresh heads, a bounded number of times. */
@ExtendWith(EddyStackExtension.class)
class CommitConflictTest {
    private static final long T0 = 1_764_000_000_000L;

    @Test
    void lostCommitRacesAreRetriedUntilTheCommitWins(EddyStack stack) {
        ConflictingMetadataStore[] store = new ConflictingMetadataStore[1];
        // three of every four commits conflict: each produce retries three times before it wins
        try (CoreInstance eddy = CoreInstance.on(stack)
                .produceMetadata(m -> store[0] = new ConflictingMetadataStore(m, n -> n % 4 != 0))
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("conflict-" + UUID.randomUUID(), 2, Map.of()));

            List<Long> offsets = IntStream.range(0, 25)
                    .mapToObj(i -> await(eddy.produce()
                                    .produce(
                                            topic.name().value(),
                                            request(entry(0, null, "v" + i, T0), entry(1, null, "w" + i, T0))))
                            .get(0)
                            .offset())
                    .toList();

            assertThat(offsets)
                    .containsExactlyElementsOf(
                            IntStream.range(0, 25).mapToObj(i -> (long) i).toList());
            assertThat(store[0].commits()).isEqualTo(100);
            Map<Integer, PartitionHead> heads = await(eddy.metadata().heads(topic.id(), List.of(0, 1)));
            for (int p = 0; p < 2; p++) {
                long committed = await(eddy.metadata().entriesFrom(topic.id(), p, 0, 100)).stream()
                        .mapToLong(io.eddy.core.model.IndexEntry::length)
                        .sum();
                assertThat(heads.get(p).nextOffset()).isEqualTo(25);
                assertThat(heads.get(p).size())
                        .as("an attempt that conflicted counted no bytes")
                        .hasValue(committed);
            }
        }
    }

    @Test
    void commitGivesUpAfterItsAttemptsWithARetryableOffsetConflict(EddyStack stack) {
        ConflictingMetadataStore[] store = new ConflictingMetadataStore[1];
        try (CoreInstance eddy = CoreInstance.on(stack)
                .commitPolicy(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(4), 1.0))
                .produceMetadata(m -> store[0] = new ConflictingMetadataStore(m, n -> true))
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("conflict-" + UUID.randomUUID(), 1, Map.of()));

            EddyException e = catchThrowableOfType(
                    EddyException.class,
                    () -> await(eddy.produce().produce(topic.name().value(), request(entry(0, null, "v", T0)))));

            assertThat(e.code()).isEqualTo(ErrorCode.OFFSET_CONFLICT);
            assertThat(e.retryable()).isTrue();
            assertThat(store[0].commits()).isEqualTo(5);
            assertThat(await(eddy.metadata().heads(topic.id(), List.of(0)))).containsEntry(0, PartitionHead.empty(0));
        }
    }
}
