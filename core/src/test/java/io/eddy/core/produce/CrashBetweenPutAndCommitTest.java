package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static io.eddy.core.fixtures.Produce.request;
import static io.eddy.core.fixtures.Produce.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchResult;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.FailFirstTransactWrite;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.OffsetSpec;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process dies after the segment PUT and before the commit (injected at the DynamoDB client): nothing of
 * the request becomes visible, the object is an orphan, and a retry of the request succeeds.
 */
@ExtendWith(EddyStackExtension.class)
class CrashBetweenPutAndCommitTest {
    private static final long T0 = 1_764_000_000_000L;

    @Test
    void recordsOfACommitThatNeverHappenedAreInvisibleAndARetrySucceeds(EddyStack stack) {
        FailFirstTransactWrite crash = new FailFirstTransactWrite();
        try (CoreInstance eddy =
                CoreInstance.on(stack).dynamoInterceptor(crash).start().ensureResources()) {
            Topic topic = await(eddy.topics().create("crash-" + UUID.randomUUID(), 3, Map.of()));
            String name = topic.name().value();
            // given: partition 1 written before the crash
            await(eddy.produce().produce(name, request(entry(1, "k", "before", T0), entry(1, "k", "before-2", T0))));
            PartitionHead p1Before =
                    await(eddy.metadata().heads(topic.id(), List.of(1))).get(1);
            int objectsBefore = eddy.objectKeys("segments/").size();

            // when: the commit of a request to partition 0 never happens
            crash.arm();
            Throwable thrown = catchThrowable(() -> await(eddy.produce().produce(name, lostRequest())));

            // then: the produce failed with an Eddy error and nothing of it is visible
            assertThat(crash.failed()).isEqualTo(1);
            assertThat(thrown).isInstanceOfSatisfying(EddyException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.METADATA_UNAVAILABLE);
                assertThat(e.retryable()).as("the client should retry").isTrue();
            });
            assertThat(await(eddy.metadata().heads(topic.id(), List.of(0)))).containsEntry(0, PartitionHead.empty(0));
            assertThat(await(eddy.metadata().entriesFrom(topic.id(), 0, 0, 10))).isEmpty();
            for (FetchService reader : List.of(eddy.fetch(), eddy.coldFetch())) {
                FetchResult atZero = await(reader.fetch(new FetchRequest(name, 0, 0, 500, 1 << 20, Duration.ZERO)));
                assertThat(atZero.records()).isEmpty();
                assertThat(atZero.highWatermark()).isZero();
            }
            assertThat(await(eddy.fetch().offsetAt(name, 0, new OffsetSpec.Latest())))
                    .isZero();
            // and its object is in the bucket, referenced by no index entry
            assertThat(eddy.objectKeys("segments/")).hasSize(objectsBefore + 1);
            assertThat(orphans(eddy, topic)).hasSize(1);

            // when: the client retries the same request
            List<RecordOffset> acks = await(eddy.produce().produce(name, lostRequest()));

            // then: it commits from offset 0, as if the lost attempt had never been
            assertThat(acks).extracting(RecordOffset::partition).containsOnly(0);
            assertThat(acks).extracting(RecordOffset::offset).containsExactly(0L, 1L, 2L);
            assertThat(values(eddy.coldFetch(), name, 0)).containsExactly("lost-0", "lost-1", "lost-2");

            // and partitions written before and after are unaffected
            await(eddy.produce().produce(name, request(entry(2, null, "after", T0))));
            assertThat(await(eddy.metadata().heads(topic.id(), List.of(1))).get(1))
                    .isEqualTo(p1Before);
            assertThat(values(eddy.coldFetch(), name, 1)).containsExactly("before", "before-2");
            assertThat(values(eddy.coldFetch(), name, 2)).containsExactly("after");
            // the orphan stays an orphan: one object more than the committed entries refer to
            assertThat(eddy.objectKeys("segments/")).hasSize(objectsBefore + 3);
            assertThat(orphans(eddy, topic)).hasSize(1);
        }
    }

    /** The request whose first commit is lost: three records for partition 0. */
    private static ProduceRequest lostRequest() {
        return request(entry(0, "a", "lost-0", T0), entry(0, "b", "lost-1", T0 + 1), entry(0, "c", "lost-2", T0 + 2));
    }

    /** Objects under segments/ that no index entry of the topic refers to (this class's bucket holds only this topic). */
    private static Set<String> orphans(CoreInstance eddy, Topic topic) {
        Set<String> referenced = new HashSet<>();
        for (int p = 0; p < topic.partitions(); p++) {
            for (IndexEntry e : await(eddy.metadata().entriesFrom(topic.id(), p, 0, 1_000))) {
                referenced.add(e.objectKey());
            }
        }
        Set<String> orphans = new HashSet<>(eddy.objectKeys("segments/"));
        orphans.removeAll(referenced);
        return orphans;
    }

    private static List<String> values(FetchService reader, String topic, int partition) {
        return await(reader.fetch(new FetchRequest(topic, partition, 0, 500, 1 << 20, Duration.ZERO)))
                .records()
                .stream()
                .map(r -> text(r.value()))
                .toList();
    }
}
