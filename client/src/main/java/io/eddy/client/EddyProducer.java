package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.client.http.EddyHttp;
import io.eddy.client.http.HttpTransport;
import io.eddy.client.internal.KafkaBatches;
import io.eddy.client.internal.ProducerEngine;
import io.eddy.client.internal.RetryPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Sends records to Eddy as Kafka's producer does: batched per partition ({@code batch.size}, {@code linger.ms}),
 * compressed ({@code compression.type}), idempotent by default (retries resend the same batch, which the server
 * deduplicates), over Eddy's binary produce API (HTTP/1.1 keep-alive).
 *
 * <pre>{@code
 * try (var producer = new EddyProducer<>(Map.of("url", "http://127.0.0.1:8080"),
 *         new StringSerializer(), new StringSerializer())) {
 *     producer.send(new ProducerRecord<>("orders", "cust-7", "{\"total\": 12}"))
 *             .thenAccept(m -> System.out.println(m.partition() + "@" + m.offset()));
 * }
 * }</pre>
 *
 * <p>Settings (besides {@link ClientConfig}'s): {@code acks} ({@code all}; {@code 1}, {@code 0}),
 * {@code linger.ms} (5), {@code batch.size} (16384), {@code compression.type} ({@code none}, gzip, snappy, lz4,
 * zstd), {@code enable.idempotence} (true; off with {@code acks=0}), {@code retries} (10), {@code retry.backoff.ms}
 * (100), {@code retry.backoff.max.ms} (1000), {@code delivery.timeout.ms} (120000), {@code buffer.memory}
 * (33554432), {@code max.block.ms} (60000: how long {@code send} may wait for buffer room or topic metadata),
 * {@code max.request.size} (4194304), {@code metadata.max.age.ms} (30000).
 *
 * <p>Partitioning: the record's partition, else Kafka's murmur2 of the serialized key (the server's and Kafka's
 * choice for the same key and partition count), else a sticky partition that moves on when a batch fills.
 * Thread-safe: share one producer between threads.
 */
public final class EddyProducer<K, V> implements AutoCloseable {
    static final Map<String, Object> DEFAULTS = Map.ofEntries(
            Map.entry("acks", "all"),
            Map.entry("linger.ms", 5L),
            Map.entry("batch.size", 16_384L),
            Map.entry("compression.type", "none"),
            Map.entry("enable.idempotence", true),
            Map.entry("retries", 10L),
            Map.entry("retry.backoff.ms", 100L),
            Map.entry("retry.backoff.max.ms", 1_000L),
            Map.entry("delivery.timeout.ms", 120_000L),
            Map.entry("buffer.memory", 33_554_432L),
            Map.entry("max.block.ms", 60_000L),
            Map.entry("max.request.size", 4_194_304L),
            Map.entry("metadata.max.age.ms", 30_000L));

    private final EddyHttp http;
    private final ProducerEngine engine;
    private final Serializer<K> keys;
    private final Serializer<V> values;
    private final Duration maxBlock;
    private final long metadataMaxAgeMs;
    private final Map<String, TopicInfo> topics = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> sticky = new ConcurrentHashMap<>();

    private record TopicInfo(int partitions, long fetchedAtMs) {}

    public EddyProducer(Map<String, ?> config, Serializer<K> keys, Serializer<V> values) {
        this(new ClientConfig(config, DEFAULTS), keys, values, null);
    }

    /** With a transport of the caller's (a proxy, a test's fault injector); the producer closes it. */
    public EddyProducer(Map<String, ?> config, Serializer<K> keys, Serializer<V> values, HttpTransport transport) {
        this(new ClientConfig(config, DEFAULTS), keys, values, transport);
    }

    private EddyProducer(ClientConfig c, Serializer<K> keys, Serializer<V> values, HttpTransport transport) {
        String acks = c.string("acks");
        if (!acks.equals("all") && !acks.equals("1") && !acks.equals("0") && !acks.equals("-1")) {
            throw new IllegalArgumentException("acks must be all, 1 or 0, not '" + acks + "'");
        }
        acks = acks.equals("-1") ? "all" : acks;
        if (c.number("batch.size") < 1) {
            throw new IllegalArgumentException("batch.size must be ≥ 1");
        }
        HttpTransport t = transport != null ? transport : EddyHttp.transport(c);
        this.http = new EddyHttp(c.url(), t);
        this.keys = keys;
        this.values = values;
        this.maxBlock = c.millis("max.block.ms");
        this.metadataMaxAgeMs = c.number("metadata.max.age.ms");
        this.engine = new ProducerEngine(
                http,
                new ProducerEngine.Settings(
                        acks,
                        c.integer("batch.size"),
                        c.millis("linger.ms"),
                        KafkaBatches.compression(c.string("compression.type")),
                        c.bool("enable.idempotence") && !acks.equals("0"),
                        RetryPolicy.ofRetries(
                                c.integer("retries"), c.millis("retry.backoff.ms"), c.millis("retry.backoff.max.ms")),
                        c.millis("delivery.timeout.ms"),
                        c.number("buffer.memory"),
                        maxBlock,
                        c.integer("max.request.size")));
    }

    /**
     * Queues a record and answers where it was written. Waits only for buffer room or the topic's partition
     * count (both bounded by {@code max.block.ms}); every failure, an unknown topic included, completes the
     * stage exceptionally with an {@link EddyClientException}.
     */
    public CompletionStage<RecordMetadata> send(ProducerRecord<K, V> record) {
        try {
            byte[] key = keys.serialize(record.topic(), record.key());
            byte[] value = values.serialize(record.topic(), record.value());
            int partition = partition(record, key);
            long timestamp = record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
            ProducerEngine.Appended appended = engine.append(
                    new TopicPartition(record.topic(), partition),
                    new KafkaBatches.Entry(key, value, record.headers().toArray(new Header[0]), timestamp));
            if (appended.batchFull() && record.partition() == null && key == null) {
                sticky.computeIfAbsent(record.topic(), t -> new AtomicInteger()).incrementAndGet();
            }
            return appended.future();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The number of partitions of a topic (cached for {@code metadata.max.age.ms}). */
    public int partitionsFor(String topic) {
        TopicInfo info = topics.get(topic);
        long now = System.currentTimeMillis();
        if (info == null || now - info.fetchedAtMs() > metadataMaxAgeMs) {
            CompletableFuture<JsonNode> call = http.json("GET", "v1/topics/" + EddyHttp.segment(topic), null);
            JsonNode t;
            try {
                t = call.get(maxBlock.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                call.cancel(true);
                throw new EddyClientException(
                        EddyClientException.TIMEOUT,
                        0,
                        true,
                        "no metadata for topic '" + topic + "' within max.block.ms",
                        null,
                        e);
            } catch (ExecutionException e) {
                throw (RuntimeException)
                        (EddyHttp.unwrap(e) instanceof RuntimeException re
                                ? re
                                : new EddyClientException("client_error", 0, false, e.toString(), null, e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EddyClientException.client(EddyClientException.CLOSED, "interrupted", e);
            }
            info = new TopicInfo(t.get("partitions").asInt(), now);
            topics.put(topic, info);
        }
        return info.partitions();
    }

    private int partition(ProducerRecord<K, V> record, byte[] key) {
        int partitions = partitionsFor(record.topic());
        if (record.partition() != null) {
            if (record.partition() >= partitions) {
                throw new EddyClientException(
                        "unknown_partition",
                        0,
                        false,
                        "topic '" + record.topic() + "' has " + partitions + " partitions; there is no partition "
                                + record.partition(),
                        null,
                        null);
            }
            return record.partition();
        }
        if (key != null) {
            return Utils.toPositive(Utils.murmur2(key)) % partitions;
        }
        AtomicInteger s = sticky.computeIfAbsent(
                record.topic(),
                t -> new AtomicInteger(ThreadLocalRandom.current().nextInt(partitions)));
        return Utils.toPositive(s.get()) % partitions;
    }

    /** Sends every buffered record now and waits until each has its answer. */
    public void flush() {
        engine.flush();
    }

    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE / 2));
    }

    /** Sends what is buffered, waiting up to {@code timeout}; what is still unsent then fails with {@code closed}. */
    public void close(Duration timeout) {
        engine.close(timeout);
        http.close();
    }
}
