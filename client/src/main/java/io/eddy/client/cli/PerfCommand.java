package io.eddy.client.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.client.ConsumerRecord;
import io.eddy.client.EddyAdmin;
import io.eddy.client.EddyClientException;
import io.eddy.client.EddyConsumer;
import io.eddy.client.EddyProducer;
import io.eddy.client.ProducerRecord;
import io.eddy.client.TopicPartition;
import io.eddy.client.http.EddyHttp;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eddy perf produce|consume}: the client's throughput and latency against a running Eddy, as Kafka's
 * {@code kafka-producer-perf-test} / {@code kafka-consumer-perf-test}. Produce latency is send to
 * acknowledgement; consume latency is the record's age when {@code poll} returned it (end to end when a producer
 * runs at the same time).
 */
@Command(
        name = "perf",
        description = "Measure the client's produce or consume throughput and latency.",
        subcommands = {PerfCommand.Produce.class, PerfCommand.Consume.class})
final class PerfCommand {

    static void report(
            CommandSpec spec,
            boolean json,
            String kind,
            long records,
            long bytes,
            long nanos,
            Histogram latency,
            long failed) {
        double seconds = nanos / 1e9;
        double rate = records / seconds;
        double mbs = bytes / seconds / (1024 * 1024);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = JsonNodeFactory.instance
                    .objectNode()
                    .put("kind", kind)
                    .put("records", records)
                    .put("failed", failed)
                    .put("bytes", bytes)
                    .put("seconds", round(seconds))
                    .put("records_per_sec", round(rate))
                    .put("mb_per_sec", round(mbs))
                    .put("latency_p50_ms", ms(latency, 50))
                    .put("latency_p99_ms", ms(latency, 99))
                    .put("latency_p999_ms", ms(latency, 99.9))
                    .put("latency_max_ms", round(latency.getMaxValue() / 1e3));
            out.println(o);
        } else {
            out.printf(
                    "%d records %s in %.2f s: %.1f records/s, %.2f MB/s; latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
                            + " max %.2f ms%s%n",
                    records,
                    kind.equals("produce") ? "sent" : "read",
                    seconds,
                    rate,
                    mbs,
                    ms(latency, 50),
                    ms(latency, 99),
                    ms(latency, 99.9),
                    latency.getMaxValue() / 1e3,
                    failed == 0 ? "" : "; " + failed + " failed");
        }
        out.flush();
    }

    private static double ms(Histogram h, double percentile) {
        return round(h.getValueAtPercentile(percentile) / 1e3);
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    /** A progress bar on a terminal (standard error), nothing otherwise. */
    static final class Progress {
        private final PrintWriter err;
        private final boolean tty = System.console() != null;
        private long lastNs;

        Progress(PrintWriter err) {
            this.err = err;
        }

        void show(long done, long total) {
            long now = System.nanoTime();
            if (!tty || now - lastNs < 200_000_000L && done < total) {
                return;
            }
            lastNs = now;
            int width = 30;
            int filled = (int) (total == 0 ? width : done * width / total);
            err.printf("\r[%-" + width + "s] %d/%d", "#".repeat(filled), done, total);
            if (done >= total) {
                err.println();
            }
            err.flush();
        }
    }

    @Command(name = "produce", description = "Send records as fast as the producer takes them (or at --throughput).")
    static final class Produce implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Option(names = "--topic", required = true)
        String topic;

        @Option(names = "--num-records", defaultValue = "100000")
        long records;

        @Option(names = "--record-size", defaultValue = "100")
        int size;

        @Option(names = "--throughput", defaultValue = "-1", description = "records/s at most; -1 for no limit")
        long throughput;

        @Option(names = "--acks", defaultValue = "all")
        String acks;

        @Option(names = "--linger-ms", defaultValue = "5")
        long linger;

        @Option(names = "--batch-size", defaultValue = "16384")
        long batchSize;

        @Option(names = "--compression", defaultValue = "none")
        String compression;

        @Option(names = "--json", description = "one JSON line of results")
        boolean json;

        @Override
        public Integer call() {
            if (records < 1 || size < 0) {
                throw new IllegalArgumentException("--num-records must be ≥ 1 and --record-size ≥ 0");
            }
            Map<String, Object> config = connection.config();
            config.put("acks", acks);
            config.put("linger.ms", linger);
            config.put("batch.size", batchSize);
            config.put("compression.type", compression);
            byte[] value = new byte[size];
            ThreadLocalRandom.current().nextBytes(value);
            Histogram latency = new ConcurrentHistogram(3_600_000_000L, 3);
            AtomicLong failed = new AtomicLong();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            Progress progress = new Progress(spec.commandLine().getErr());
            long start = System.nanoTime();
            try (EddyProducer<byte[], byte[]> producer =
                    new EddyProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.partitionsFor(topic);
                for (long i = 0; i < records; i++) {
                    if (throughput > 0) {
                        long due = start + i * 1_000_000_000L / throughput;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    long sent = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, null, value)).whenComplete((m, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        } else {
                            latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
                        }
                    });
                    progress.show(i + 1, records);
                }
                producer.flush();
            }
            long nanos = System.nanoTime() - start;
            report(
                    spec,
                    json,
                    "produce",
                    records - failed.get(),
                    (records - failed.get()) * size,
                    nanos,
                    latency,
                    failed.get());
            if (firstFailure.get() != null && EddyHttp.unwrap(firstFailure.get()) instanceof EddyClientException e) {
                throw e;
            }
            return failed.get() == 0 ? EddyCli.OK : EddyCli.FAILED;
        }
    }

    @Command(name = "consume", description = "Read records from the beginning of every partition of a topic.")
    static final class Consume implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Option(names = "--topic", required = true)
        String topic;

        @Option(names = "--messages", defaultValue = "100000", description = "stop after this many records")
        long messages;

        @Option(names = "--timeout-ms", defaultValue = "10000", description = "stop when nothing arrives for this long")
        long timeoutMs;

        @Option(names = "--json", description = "one JSON line of results")
        boolean json;

        @Override
        public Integer call() {
            Histogram latency = new Histogram(3_600_000_000L, 3);
            Progress progress = new Progress(spec.commandLine().getErr());
            long read = 0;
            long bytes = 0;
            long start;
            long end;
            try (EddyAdmin admin = new EddyAdmin(connection.config());
                    EddyConsumer<byte[], byte[]> consumer = new EddyConsumer<>(
                            connection.config(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                int partitions = admin.describeTopic(topic).partitions();
                List<TopicPartition> tps = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    tps.add(new TopicPartition(topic, p));
                }
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                start = System.nanoTime();
                end = start;
                long idleSince = start;
                while (read < messages && System.nanoTime() - idleSince < timeoutMs * 1_000_000L) {
                    List<ConsumerRecord<byte[], byte[]>> batch = consumer.poll(Duration.ofMillis(100));
                    long nowMs = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        read++;
                        bytes += r.value() == null ? 0 : r.value().length;
                        latency.recordValue(Math.max(1, (nowMs - r.timestamp()) * 1_000));
                    }
                    if (!batch.isEmpty()) {
                        idleSince = System.nanoTime();
                        end = idleSince;
                        progress.show(Math.min(read, messages), messages);
                    }
                }
            }
            report(spec, json, "consume", read, bytes, Math.max(1, end - start), latency, 0);
            return EddyCli.OK;
        }
    }
}
