package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchResult;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Idempotent producers against DynamoDB Local: Kafka's rules, and exactly-once under blind retries. */
@ExtendWith(EddyStackExtension.class)
class IdempotentProduceTest {
    private static final long T0 = 1_764_000_000_000L;

    private static ProduceRequest idempotent(
            ProducerRegistry.Registration producer, Map<Integer, Integer> bases, List<ProduceRequest.Entry> entries) {
        return new ProduceRequest(
                entries,
                false,
                Acks.LEADER,
                Compression.NONE,
                new ProducerFields(producer.producerId(), producer.epoch(), bases));
    }

    private static List<ProduceRequest.Entry> records(int partition, String prefix, int n) {
        List<ProduceRequest.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(entry(partition, null, prefix + i, T0));
        }
        return out;
    }

    @Test
    void aRetriedBatchGetsItsOriginalOffsetsAndStoresNothing(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = await(eddy.topics().create("idem-" + UUID.randomUUID(), 2, Map.of()));
            String name = topic.name().value();
            ProducerRegistry.Registration p = await(eddy.producers().register("p"));
            await(eddy.produce().produce(name, Produce.request(entry(0, null, "other", T0))));

            ProduceRequest first = idempotent(p, Map.of(0, 0), records(0, "a", 3));
            List<RecordOffset> original = await(eddy.produce().produce(name, first));
            List<RecordOffset> retried = await(eddy.produce().produce(name, first));

            assertThat(original).extracting(RecordOffset::offset).containsExactly(1L, 2L, 3L);
            assertThat(retried).isEqualTo(original);
            assertThat(await(eddy.metadata().heads(topic.id(), List.of(0)))
                            .get(0)
                            .nextOffset())
                    .isEqualTo(4);
            assertThat(eddy.produceMetrics().snapshot()).containsEntry("duplicates", 1L);
        }
    }

    @Test
    void aSequenceGapIsRefusedWithoutWritingAnything(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = await(eddy.topics().create("idem-" + UUID.randomUUID(), 2, Map.of()));
            String name = topic.name().value();
            ProducerRegistry.Registration p = await(eddy.producers().register("p"));
            await(eddy.produce().produce(name, idempotent(p, Map.of(0, 0), records(0, "a", 3))));

            // sequences 3 and 4 never arrived: 5 is a gap, on partition 0; partition 1 of the same request is fine
            EddyException e = catchThrowableOfType(
                    EddyException.class,
                    () -> await(eddy.produce()
                            .produce(
                                    name,
                                    idempotent(
                                            p,
                                            Map.of(0, 5, 1, 0),
                                            List.of(entry(0, null, "x", T0), entry(1, null, "y", T0))))));

            assertThat(e.code()).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
            assertThat(e.details()).containsEntry("expected", 3);
            assertThat(await(eddy.metadata().heads(topic.id(), List.of(0, 1))))
                    .satisfies(h -> assertThat(h.get(0).nextOffset()).isEqualTo(3))
                    .satisfies(h -> assertThat(h.get(1).exists())
                            .as("nothing of the request was stored")
                            .isFalse());
        }
    }

    @Test
    void aRegistrationNeverTakesAnIdAlreadyRegisteredAndIdsArePositive(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            // a source that draws the same number twice, then a negative one, then another
            long taken = ThreadLocalRandom.current().nextLong(1, ProducerRegistry.MAX_ID);
            long other = ThreadLocalRandom.current().nextLong(1, ProducerRegistry.MAX_ID);
            java.util.Iterator<Long> draws = List.of(taken, taken, -other).iterator();
            ProducerRegistry registry = new ProducerRegistry(eddy.metadata(), eddy.clock(), draws::next);

            ProducerRegistry.Registration first = await(registry.register("p"));
            ProducerRegistry.Registration second = await(registry.register("q"));

            assertThat(first.producerId()).isEqualTo(taken);
            assertThat(second.producerId())
                    .as("the taken id was drawn again and skipped")
                    .isEqualTo(-other & ProducerRegistry.MAX_ID);
            assertThat(eddy.producers().register("r").await().indefinitely().producerId())
                    .as("exact as a JSON number anywhere")
                    .isBetween(1L, (1L << 53) - 1);
            assertThat(await(eddy.metadata().producer(taken)).orElseThrow().principal())
                    .isEqualTo("p");
            assertThat(await(eddy.metadata().producer(second.producerId()))
                            .orElseThrow()
                            .principal())
                    .isEqualTo("q");
        }
    }

    @Test
    void bumpingTheEpochFencesTheOlderInstance(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = await(eddy.topics().create("idem-" + UUID.randomUUID(), 1, Map.of()));
            String name = topic.name().value();
            ProducerRegistry.Registration old = await(eddy.producers().register("p"));
            await(eddy.produce().produce(name, idempotent(old, Map.of(0, 0), records(0, "a", 2))));

            ProducerRegistry.Registration bumped = await(eddy.producers().bumpEpoch(old.producerId(), (short) 0, "p"));
            EddyException zombie = catchThrowableOfType(
                    EddyException.class,
                    () -> await(eddy.produce().produce(name, idempotent(old, Map.of(0, 2), records(0, "z", 1)))));
            List<RecordOffset> fresh =
                    await(eddy.produce().produce(name, idempotent(bumped, Map.of(0, 0), records(0, "b", 1))));

            assertThat(bumped.epoch()).isEqualTo((short) 1);
            assertThat(zombie.code()).isEqualTo(ErrorCode.PRODUCER_FENCED);
            assertThat(fresh).extracting(RecordOffset::offset).containsExactly(2L);
            assertThat(catchThrowableOfType(
                                    EddyException.class,
                                    () -> await(eddy.producers().bumpEpoch(987_654_321L, (short) 0, "p")))
                            .code())
                    .isEqualTo(ErrorCode.UNKNOWN_PRODUCER);
            assertThat(catchThrowableOfType(
                                    EddyException.class,
                                    () -> await(eddy.produce()
                                            .produce(
                                                    name,
                                                    idempotent(
                                                            new ProducerRegistry.Registration(987_654_321L, (short) 0),
                                                            Map.of(0, 0),
                                                            records(0, "u", 1)))))
                            .code())
                    .isEqualTo(ErrorCode.UNKNOWN_PRODUCER);
        }
    }

    /**
     * The issue's test: producers that send every request one to three times, the extra copies without ever
     * reading their responses, write 100,000 records over 6 partitions; the log holds each exactly once, in each
     * producer's order. Run in server mode (group commit and leases), where copies of one request can even land
     * in the same segment.
     */
    @Test
    void blindRetriesStoreEveryRecordExactlyOnceInProducerOrder(EddyStack stack) throws Exception {
        int producers = 4;
        int requestsPerProducer = 250;
        int recordsPerRequest = 100;
        int partitions = 6;
        try (CoreInstance eddy = CoreInstance.on(stack)
                .groupCommit(Duration.ofMillis(2), 8 << 20)
                .leases("chaos-" + UUID.randomUUID(), Duration.ofSeconds(30))
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("idem-" + UUID.randomUUID(), partitions, Map.of()));
            String name = topic.name().value();
            Map<String, Long> acknowledged = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(producers);
            List<Future<?>> running = new ArrayList<>();
            for (int pr = 0; pr < producers; pr++) {
                int producerIndex = pr;
                running.add(pool.submit(() -> {
                    ProducerRegistry.Registration p = await(eddy.producers().register("p"));
                    Map<Integer, Integer> nextSequence = new HashMap<>();
                    for (int r = 0; r < requestsPerProducer; r++) {
                        List<ProduceRequest.Entry> entries = new ArrayList<>();
                        Map<Integer, Integer> bases = new HashMap<>();
                        for (int i = 0; i < recordsPerRequest; i++) {
                            int partition = (r + i) % partitions;
                            bases.putIfAbsent(partition, nextSequence.getOrDefault(partition, 0));
                            entries.add(
                                    entry(partition, "p" + producerIndex, "p" + producerIndex + "-" + r + "-" + i, T0));
                        }
                        for (Map.Entry<Integer, Integer> b : bases.entrySet()) {
                            long n = entries.stream()
                                    .filter(e -> e.partition() == b.getKey())
                                    .count();
                            nextSequence.put(b.getKey(), b.getValue() + (int) n);
                        }
                        ProduceRequest request = idempotent(p, bases, entries);
                        int blind = ThreadLocalRandom.current().nextInt(3); // 0 to 2 copies nobody reads
                        for (int c = 0; c < blind; c++) {
                            eddy.produce().produce(name, request).subscribe().with(ignored -> {}, ignored -> {});
                        }
                        List<RecordOffset> offsets = await(eddy.produce().produce(name, request));
                        for (int i = 0; i < offsets.size(); i++) {
                            Long previous = acknowledged.put(
                                    offsets.get(i).partition() + "@"
                                            + offsets.get(i).offset(),
                                    (long) producerIndex);
                            assertThat(previous)
                                    .as("two acknowledgements for one offset")
                                    .isNull();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();

            Map<String, List<String>> perProducer = new HashMap<>();
            long total = 0;
            for (int partition = 0; partition < partitions; partition++) {
                long next = await(eddy.metadata().heads(topic.id(), List.of(partition)))
                        .get(partition)
                        .nextOffset();
                total += next;
                List<Record> log = readAll(eddy, name, partition, next);
                assertThat(log)
                        .extracting(Record::offset)
                        .as("no gaps")
                        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, next)
                                .boxed()
                                .toList());
                for (Record rec : log) {
                    perProducer
                            .computeIfAbsent(Produce.text(rec.key()) + "#" + partition, k -> new ArrayList<>())
                            .add(Produce.text(rec.value()));
                }
            }
            assertThat(total).isEqualTo((long) producers * requestsPerProducer * recordsPerRequest);
            assertThat(acknowledged).hasSize((int) total);
            for (Map.Entry<String, List<String>> e : perProducer.entrySet()) {
                List<String> values = e.getValue();
                assertThat(values).as("each record once").doesNotHaveDuplicates();
                List<String> sorted = new ArrayList<>(values);
                sorted.sort(java.util.Comparator.comparingInt((String v) -> Integer.parseInt(v.split("-")[1]))
                        .thenComparingInt(v -> Integer.parseInt(v.split("-")[2])));
                assertThat(values)
                        .as("in the producer's order on " + e.getKey())
                        .containsExactlyElementsOf(sorted);
            }
        }
    }

    /** Every record of a partition from offset 0 up to {@code end}. */
    static List<Record> readAll(CoreInstance eddy, String topic, int partition, long end) {
        List<Record> out = new ArrayList<>();
        long offset = 0;
        while (offset < end) {
            FetchResult r = await(eddy.fetch()
                    .fetch(new FetchRequest(
                            topic,
                            partition,
                            offset,
                            FetchRequest.MAX_MAX_RECORDS,
                            FetchRequest.MAX_MAX_BYTES,
                            Duration.ZERO)));
            out.addAll(r.records());
            offset = r.nextOffset();
        }
        return out;
    }
}
