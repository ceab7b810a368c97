package io.eddy.client.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.client.ConsumerRecord;
import io.eddy.client.EddyAdmin;
import io.eddy.client.EddyConsumer;
import io.eddy.client.Header;
import io.eddy.client.TopicPartition;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code eddy consume TOPIC}: prints records as {@code kafka-console-consumer} does, in a group ({@code --group},
 * committing what it printed) or from a partition and offset; without either, every partition, no group.
 */
@Command(name = "consume", description = "Print records of a topic.")
final class ConsumeCommand implements Callable<Integer> {
    enum Format {
        value,
        key_value,
        json
    }

    @Mixin
    Connection connection;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TOPIC")
    String topic;

    @ArgGroup(exclusive = true)
    Source source;

    static final class Source {
        @Option(names = "--group", description = "consume in this consumer group, committing what was printed")
        String group;

        @ArgGroup(exclusive = false)
        Position position;
    }

    static final class Position {
        @Option(names = "--partition", required = true, description = "read this partition, no group")
        Integer partition;

        @Option(
                names = "--offset",
                description = "start at this offset (default: the end, or the beginning with --from-beginning)")
        Long offset;
    }

    @Option(
            names = "--from-beginning",
            description = "start at the earliest offset (in a group: when it has no commit)")
    boolean fromBeginning;

    @Option(names = "--max-messages", description = "stop after this many records")
    Long maxMessages;

    @Option(names = "--timeout-ms", description = "stop when no record arrives for this long")
    Long timeoutMs;

    @Option(
            names = "--format",
            defaultValue = "value",
            description = "value, key_value or json (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(
            names = "--separator",
            defaultValue = "\t",
            description = "between key and value in key_value (default: tab)")
    String separator;

    @Override
    public Integer call() {
        if (maxMessages != null && maxMessages < 1 || timeoutMs != null && timeoutMs < 0) {
            throw new IllegalArgumentException("--max-messages must be ≥ 1 and --timeout-ms ≥ 0");
        }
        if (source != null && source.position != null && source.position.offset != null && fromBeginning) {
            throw new IllegalArgumentException("give --offset or --from-beginning, not both");
        }
        Map<String, Object> config = connection.config();
        config.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        String group = source == null ? null : source.group;
        if (group != null) {
            config.put("group.id", group);
            config.put("auto.commit.interval.ms", 1_000L);
        }
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        try (EddyAdmin admin = new EddyAdmin(connection.config());
                EddyConsumer<byte[], byte[]> consumer =
                        new EddyConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            int partitions = admin.describeTopic(topic).partitions(); // fails fast: unknown topic, server down
            if (group != null) {
                consumer.subscribe(List.of(topic));
            } else {
                List<TopicPartition> tps = new ArrayList<>();
                if (source != null && source.position != null) {
                    if (source.position.partition >= partitions || source.position.partition < 0) {
                        throw new IllegalArgumentException("topic " + topic + " has " + partitions
                                + " partitions; --partition " + source.position.partition + " does not exist");
                    }
                    tps.add(new TopicPartition(topic, source.position.partition));
                } else {
                    for (int p = 0; p < partitions; p++) {
                        tps.add(new TopicPartition(topic, p));
                    }
                }
                consumer.assign(tps);
                if (source != null && source.position != null && source.position.offset != null) {
                    consumer.seek(tps.get(0), source.position.offset);
                } else if (fromBeginning) {
                    consumer.seekToBeginning(tps);
                } else {
                    consumer.seekToEnd(tps);
                }
            }
            long idleSince = System.nanoTime();
            while (maxMessages == null || printed < maxMessages) {
                List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(Duration.ofMillis(200));
                Map<TopicPartition, Long> unprinted = new java.util.HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (maxMessages != null && printed >= maxMessages) {
                        unprinted.putIfAbsent(r.topicPartition(), r.offset());
                        continue;
                    }
                    out.println(render(r));
                    printed++;
                }
                // beyond the limit: not printed, so not committed either
                unprinted.forEach(consumer::seek);
                out.flush();
                if (!records.isEmpty()) {
                    idleSince = System.nanoTime();
                } else if (timeoutMs != null && System.nanoTime() - idleSince > timeoutMs * 1_000_000) {
                    break;
                }
            }
            if (group != null) {
                consumer.commitSync();
            }
        }
        spec.commandLine().getErr().printf("Processed a total of %d message%s%n", printed, printed == 1 ? "" : "s");
        return EddyCli.OK;
    }

    private String render(ConsumerRecord<byte[], byte[]> r) {
        return switch (format) {
            case value -> text(r.value());
            case key_value -> text(r.key()) + separator + text(r.value());
            case json -> {
                ObjectNode o = JsonNodeFactory.instance
                        .objectNode()
                        .put("topic", r.topic())
                        .put("partition", r.partition())
                        .put("offset", r.offset())
                        .put("timestamp", r.timestamp());
                bytes(o, "key", r.key());
                bytes(o, "value", r.value());
                ArrayNode headers = o.putArray("headers");
                for (Header h : r.headers()) {
                    bytes(headers.addObject().put("name", h.name()), "value", h.value());
                }
                yield o.toString();
            }
        };
    }

    private static String text(byte[] b) {
        return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
    }

    /** A string when the bytes are UTF-8, else {@code <name>_b64}, as the HTTP API renders them. */
    private static void bytes(ObjectNode o, String name, byte[] b) {
        if (b == null) {
            o.putNull(name);
            return;
        }
        try {
            o.put(
                    name,
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .decode(java.nio.ByteBuffer.wrap(b))
                            .toString());
        } catch (CharacterCodingException notText) {
            o.put(name + "_b64", Base64.getEncoder().encodeToString(b));
        }
    }
}
