package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static io.eddy.core.fixtures.Produce.request;
import static io.eddy.core.fixtures.Produce.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchResult;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two ingest instances (separate SDK clients and stores, sharing only the table and the bucket) writing the same
 * partitions from several threads at once: the commit protocol must hand out every offset exactly once.
 */
@ExtendWith(EddyStackExtension.class)
class ConcurrentIngestTest {
    private static final int INSTANCES = 2;
    private static final int THREADS_PER_INSTANCE = 4;
    private static final int REQUESTS_PER_THREAD = 50;
    private static final int RECORDS_PER_REQUEST = 10;
    private static final int PARTITIONS = 3;

    /** One acknowledged record: where it went, and the value that says who sent it. */
    record Acked(int partition, long offset, String value, String request) {}

    @Test
    void concurrentInstancesAssignEveryOffsetExactlyOnce(EddyStack stack) throws Exception {
        List<CoreInstance> instances = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            CoreInstance instance = CoreInstance.on(stack).start();
            instances.add(i == 0 ? instance.ensureResources() : instance);
        }
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES * THREADS_PER_INSTANCE);
        try {
            Topic topic =
                    await(instances.get(0).topics().create("concurrent-" + UUID.randomUUID(), PARTITIONS, Map.of()));
            String name = topic.name().value();

            // when: every thread of every instance produces its requests, all starting together
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Acked>>> producers = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
                    CoreInstance instance = instances.get(i);
                    String sender = "i" + i + "-t" + t;
                    producers.add(pool.submit(() -> {
                        go.await();
                        return produceAll(instance, name, sender);
                    }));
                }
            }
            go.countDown();
            List<Acked> acked = new ArrayList<>();
            for (Future<List<Acked>> f : producers) {
                acked.addAll(f.get(90, TimeUnit.SECONDS));
            }

            // then: per partition, the acknowledged offsets are exactly 0..n-1
            assertThat(acked).hasSize(INSTANCES * THREADS_PER_INSTANCE * REQUESTS_PER_THREAD * RECORDS_PER_REQUEST);
            Map<Integer, List<Acked>> byPartition = new TreeMap<>();
            acked.forEach(a -> byPartition
                    .computeIfAbsent(a.partition(), p -> new ArrayList<>())
                    .add(a));
            assertThat(byPartition).containsOnlyKeys(0, 1, 2);
            byPartition.forEach((p, list) -> assertThat(
                            list.stream().map(Acked::offset).sorted().toList())
                    .as("offsets of partition %d", p)
                    .containsExactlyElementsOf(IntStream.range(0, list.size())
                            .mapToObj(o -> (long) o)
                            .toList()));

            // and a request's records on one partition got contiguous offsets, in request order
            Map<String, List<Acked>> byRequestAndPartition = new HashMap<>();
            acked.forEach(a -> byRequestAndPartition
                    .computeIfAbsent(a.request() + "/" + a.partition(), k -> new ArrayList<>())
                    .add(a));
            byRequestAndPartition.forEach((k, list) -> {
                long first = list.get(0).offset();
                assertThat(list)
                        .extracting(Acked::offset)
                        .as(k)
                        .containsExactlyElementsOf(IntStream.range(0, list.size())
                                .mapToObj(o -> first + o)
                                .toList());
            });

            // and the heads agree, and every record reads back (from S3, through another instance) at its offset
            Map<Integer, PartitionHead> heads =
                    await(instances.get(1).metadata().heads(topic.id(), List.of(0, 1, 2)));
            FetchService reader = instances.get(1).coldFetch();
            byPartition.forEach((p, list) -> {
                assertThat(heads.get(p).nextOffset()).isEqualTo(list.size());
                Map<Long, String> stored = readAll(reader, name, p);
                Map<Long, String> expected = new HashMap<>();
                list.forEach(a -> expected.put(a.offset(), a.value()));
                assertThat(stored).as("partition %d read back", p).isEqualTo(expected);
            });
        } finally {
            pool.shutdownNow();
            instances.forEach(CoreInstance::close);
        }
    }

    private static List<Acked> produceAll(CoreInstance instance, String topic, String sender) {
        List<Acked> out = new ArrayList<>();
        for (int r = 0; r < REQUESTS_PER_THREAD; r++) {
            String requestId = sender + "-r" + r;
            List<String> values = new ArrayList<>();
            List<ProduceRequest.Entry> entries = new ArrayList<>();
            for (int n = 0; n < RECORDS_PER_REQUEST; n++) {
                String value = requestId + "-n" + n;
                values.add(value);
                // every request spans all three partitions, so commits contend on every head
                entries.add(entry((n + r) % PARTITIONS, null, value, 1_764_000_000_000L + n));
            }
            List<RecordOffset> acks = await(instance.produce().produce(topic, request(entries)));
            for (int n = 0; n < acks.size(); n++) {
                assertThat(acks.get(n).partition()).isEqualTo(entries.get(n).partition());
                out.add(new Acked(acks.get(n).partition(), acks.get(n).offset(), values.get(n), requestId));
            }
        }
        return out;
    }

    private static Map<Long, String> readAll(FetchService reader, String topic, int partition) {
        Map<Long, String> out = new HashMap<>();
        long offset = 0;
        while (true) {
            FetchResult result =
                    await(reader.fetch(new FetchRequest(topic, partition, offset, 10_000, 8 << 20, Duration.ZERO)));
            for (Record r : result.records()) {
                assertThat(out.put(r.offset(), text(r.value())))
                        .as("offset %d read twice", r.offset())
                        .isNull();
            }
            if (result.nextOffset() >= result.highWatermark()) {
                return out;
            }
            assertThat(result.nextOffset())
                    .as("a fetch below the high watermark makes progress")
                    .isGreaterThan(offset);
            offset = result.nextOffset();
        }
    }
}
