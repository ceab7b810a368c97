package io.eddy.client.cli;

import io.eddy.client.EddyClientException;
import io.eddy.client.EddyProducer;
import io.eddy.client.ProducerRecord;
import io.eddy.client.RecordMetadata;
import io.eddy.client.http.EddyHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code eddy produce TOPIC}: one record per line of standard input, as {@code kafka-console-producer}. */
@Command(name = "produce", description = "Produce one record per line of standard input.")
final class ProduceCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(names = "--key-separator", description = "split each line into key and value at the first occurrence")
    String keySeparator;

    @Option(names = "--partition", description = "send every record to this partition (else by key, else sticky)")
    Integer partition;

    @Option(names = "--acks", defaultValue = "all", description = "all, 1 or 0 (default: ${DEFAULT-VALUE})")
    String acks;

    @Option(names = "--compression", defaultValue = "none", description = "none, gzip, snappy, lz4 or zstd")
    String compression;

    @Option(names = "--linger-ms", defaultValue = "5")
    long lingerMs;

    @Override
    public Integer call() {
        if (!List.of("all", "1", "0").contains(acks)) {
            throw new IllegalArgumentException("--acks must be all, 1 or 0, not '" + acks + "'");
        }
        Map<String, Object> config = connection.config();
        config.put("acks", acks);
        config.put("compression.type", compression);
        config.put("linger.ms", lingerMs);
        EddyCli root = (EddyCli) spec.root().userObject();
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (EddyProducer<String, String> producer =
                        new EddyProducer<>(config, new StringSerializer(), new StringSerializer());
                BufferedReader in = new BufferedReader(new InputStreamReader(root.in(), StandardCharsets.UTF_8))) {
            int partitions = producer.partitionsFor(topic); // fails fast on an unknown topic or a server that is down
            if (partition != null && partition >= partitions) {
                throw new IllegalArgumentException("topic " + topic + " has " + partitions + " partitions; --partition "
                        + partition + " does not exist");
            }
            String line;
            while ((line = in.readLine()) != null) {
                String key = null;
                String value = line;
                if (keySeparator != null) {
                    int at = line.indexOf(keySeparator);
                    if (at < 0) {
                        throw new IllegalArgumentException(
                                "line " + (sent.size() + 1) + " has no key separator '" + keySeparator + "'");
                    }
                    key = line.substring(0, at);
                    value = line.substring(at + keySeparator.length());
                }
                sent.add(producer.send(new ProducerRecord<>(topic, partition, key, value))
                        .toCompletableFuture());
            }
            producer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int failed = 0;
        EddyClientException first = null;
        for (CompletableFuture<RecordMetadata> f : sent) {
            try {
                f.join();
            } catch (RuntimeException e) {
                failed++;
                if (first == null && EddyHttp.unwrap(e) instanceof EddyClientException ece) {
                    first = ece;
                }
            }
        }
        spec.commandLine()
                .getErr()
                .printf(
                        "%d record%s produced%s%n",
                        sent.size() - failed,
                        sent.size() - failed == 1 ? "" : "s",
                        failed == 0 ? "" : ", " + failed + " failed");
        if (first != null) {
            throw first;
        }
        return failed == 0 ? EddyCli.OK : EddyCli.FAILED;
    }
}
