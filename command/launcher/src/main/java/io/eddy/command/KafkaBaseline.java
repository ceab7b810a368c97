package io.eddy.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka side of {@code perf produce} and {@code perf consume}: the record counts, and Kafka's ProducerPerformance
 * and ConsumerPerformance against the baseline broker, each output file ending with the broker's CPU line. Stateless.
 */
final class KafkaBaseline {
    private KafkaBaseline() {}

    /** Records per measured second at a size: Kafka's rate on a quiet machine (~290,000/s at 100 B), 300,000 at most. */
    static long recordsPerSecond(int size) {
        return Math.min(60_000_000L / size, 300_000L);
    }

    /** The warm-up records and all records (warm-up included) of one ProducerPerformance run. */
    record Counts(long warmupRecords, long records) {
        static Counts of(int size, int warmupSeconds, int seconds) {
            long perSecond = recordsPerSecond(size);
            long warmup = perSecond * warmupSeconds;
            return new Counts(warmup, perSecond * seconds + warmup);
        }
    }

    /** The records {@code perf consume} loads per topic: MiB of values over the record size. */
    static long consumeRecords(int mb, int size) {
        return mb * 1_048_576L / size;
    }

    /**
     * A one-node KRaft broker, then ProducerPerformance per record size (acks=all, linger 5 ms, 6 partitions), its
     * output in {@code out/kafka-SIZE.txt}.
     */
    static void produce(
            Session session, Path work, Path out, Path logs, int warmupSeconds, int seconds, List<Integer> sizes) {
        KafkaBroker broker = KafkaBroker.start(session, work, logs);
        for (int size : sizes) {
            Counts counts = Counts.of(size, warmupSeconds, seconds);
            broker.createTopic("perf-" + size);
            session.say("Kafka baseline: ProducerPerformance, " + size + " B, " + counts.records() + " records (first "
                    + counts.warmupRecords() + " warm-up), acks=all, linger 5 ms…");
            Path result = out.resolve("kafka-" + size + ".txt");
            Cpu.Mark before = broker.cpuMark();
            int exit = broker.runTool(
                    producePerformance(
                            "127.0.0.1:" + broker.port(),
                            "perf-" + size,
                            counts.records(),
                            counts.warmupRecords(),
                            size,
                            List.of()),
                    ProcessBuilder.Redirect.to(result.toFile()),
                    false);
            if (exit != 0) {
                throw EddyExit.die("ProducerPerformance failed (output: " + result + ", log: "
                        + logs.resolve("kafka-tools.log") + ")");
            }
            // Cores busy over the whole run (warm-up included): the machine, and the broker.
            appendCoresAndShowTail(session, broker, before, result);
        }
        broker.stop();
    }

    /**
     * ProducerPerformance's arguments: as fast as it can, acks=all, linger 5 ms, then {@code props} (producer
     * properties, {@code key=value}; a later one wins), the warm-up left out of its summary.
     */
    static List<String> producePerformance(
            String bootstrap, String topic, long records, long warmup, int size, List<String> props) {
        List<String> args = new ArrayList<>(List.of(
                "org.apache.kafka.tools.ProducerPerformance",
                "--bootstrap-server",
                bootstrap,
                "--topic",
                topic,
                "--num-records",
                String.valueOf(records),
                "--warmup-records",
                String.valueOf(warmup),
                "--record-size",
                String.valueOf(size),
                "--throughput",
                "-1",
                "--command-property",
                "acks=all",
                "linger.ms=5"));
        args.addAll(props);
        return List.copyOf(args);
    }

    /** The CPU line since {@code before} at the end of the output, and its last two lines on standard error. */
    static void appendCoresAndShowTail(Session session, KafkaBroker broker, Cpu.Mark before, Path result) {
        Cpu.Mark after = broker.cpuMark();
        Cpu.coresLine(before, after, Integer.parseInt(session.clockTicks()), session.cpus())
                .ifPresent(line -> append(result, line + "\n"));
        List<String> lines = Session.read(result).lines().toList();
        lines.subList(Math.max(0, lines.size() - 2), lines.size()).forEach(session.err()::println);
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
