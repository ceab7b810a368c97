package io.eddy.client.cli;

import io.eddy.client.EddyAdmin;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code eddy topics create|list|describe|alter|delete}. */
@Command(
        name = "topics",
        description = "Create, list, describe, alter and delete topics.",
        subcommands = {
            TopicsCommand.Create.class,
            TopicsCommand.ListTopics.class,
            TopicsCommand.Describe.class,
            TopicsCommand.Alter.class,
            TopicsCommand.Delete.class
        })
final class TopicsCommand {

    /** {@code --config k=v}: numbers as numbers, anything else as text. */
    static Map<String, Object> configValues(Map<String, String> given) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (given != null) {
            given.forEach((k, v) -> {
                try {
                    out.put(k, Long.parseLong(v));
                } catch (NumberFormatException notANumber) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /** As {@code kafka-topics --describe}, with each partition's size in bytes ({@code unknown} when not known). */
    static void print(PrintWriter out, EddyAdmin.TopicDescription t) {
        String size = t.offsets().isEmpty() ? "" : "\tSizeBytes: " + bytes(t.sizeBytes());
        out.printf("Topic: %s\tPartitions: %d%s\tConfig: %s%n", t.name(), t.partitions(), size, config(t.config()));
        for (EddyAdmin.PartitionOffsets p : t.offsets()) {
            out.printf(
                    "\tPartition: %d\tLogStartOffset: %d\tHighWatermark: %d\tSizeBytes: %s%n",
                    p.partition(), p.logStartOffset(), p.highWatermark(), bytes(p.sizeBytes()));
        }
    }

    private static String bytes(Optional<Long> size) {
        return size.map(String::valueOf).orElse("unknown");
    }

    private static String config(Map<String, Object> config) {
        StringBuilder s = new StringBuilder();
        config.forEach((k, v) ->
                s.append(s.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return s.toString();
    }

    @Command(name = "create", description = "Create a topic.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TOPIC")
        String topic;

        @Option(
                names = "--partitions",
                defaultValue = "1",
                description = "number of partitions (default: ${DEFAULT-VALUE})")
        int partitions;

        @Option(names = "--config", description = "topic config, e.g. retention.ms=86400000")
        Map<String, String> config;

        @Override
        public Integer call() {
            try (EddyAdmin admin = new EddyAdmin(connection.config())) {
                admin.createTopic(topic, partitions, configValues(config));
                spec.commandLine()
                        .getOut()
                        .printf(
                                "Created topic %s with %d partition%s.%n",
                                topic, partitions, partitions == 1 ? "" : "s");
            }
            return EddyCli.OK;
        }
    }

    @Command(name = "list", description = "List topics, one name a line.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (EddyAdmin admin = new EddyAdmin(connection.config())) {
                admin.listTopics().forEach(t -> spec.commandLine().getOut().println(t.name()));
            }
            return EddyCli.OK;
        }
    }

    @Command(name = "describe", description = "Partitions, config and each partition's offsets.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TOPIC")
        String topic;

        @Override
        public Integer call() {
            try (EddyAdmin admin = new EddyAdmin(connection.config())) {
                print(spec.commandLine().getOut(), admin.describeTopic(topic));
            }
            return EddyCli.OK;
        }
    }

    @Command(name = "alter", description = "Change a topic's config or add partitions (PATCH /v1/topics/{topic}).")
    static final class Alter implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TOPIC")
        String topic;

        @Option(names = "--partitions", defaultValue = "0", description = "new partition count (more than now)")
        int partitions;

        @Option(names = "--config", description = "config to set, e.g. retention.ms=86400000")
        Map<String, String> config;

        @Override
        public Integer call() {
            if (partitions <= 0 && (config == null || config.isEmpty())) {
                throw new IllegalArgumentException("topics alter needs --partitions or --config");
            }
            try (EddyAdmin admin = new EddyAdmin(connection.config())) {
                print(spec.commandLine().getOut(), admin.alterTopic(topic, configValues(config), partitions));
            }
            return EddyCli.OK;
        }
    }

    @Command(name = "delete", description = "Delete a topic and its records.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "TOPIC")
        String topic;

        @Override
        public Integer call() {
            try (EddyAdmin admin = new EddyAdmin(connection.config())) {
                admin.deleteTopic(topic);
                spec.commandLine().getOut().printf("Deleted topic %s.%n", topic);
            }
            return EddyCli.OK;
        }
    }
}
