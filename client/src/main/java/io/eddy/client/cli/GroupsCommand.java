package io.eddy.client.cli;

import io.eddy.client.EddyAdmin;
import io.eddy.client.TopicPartition;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code eddy groups list|describe|reset-offsets}, as {@code kafka-consumer-groups}. */
@Command(
        name = "groups",
        description = "List and describe consumer groups; reset their offsets.",
        subcommands = {GroupsCommand.ListGroups.class, GroupsCommand.Describe.class, GroupsCommand.ResetOffsets.class})
final class GroupsCommand {

    @Command(name = "list", description = "List groups, one name a line.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (EddyAdmin admin = new EddyAdmin(connection.config())) {
                admin.listGroups().forEach(g -> spec.commandLine().getOut().println(g));
            }
            return EddyCli.OK;
        }
    }

    @Command(name = "describe", description = "Each partition's committed offset, log end offset, lag and owner.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP")
        String group;

        @Override
        public Integer call() {
            try (EddyAdmin admin = new EddyAdmin(connection.config())) {
                EddyAdmin.GroupDescription d = admin.describeGroup(group);
                PrintWriter out = spec.commandLine().getOut();
                out.printf(
                        "Group %s is %s (epoch %d, assignor %s, %d member%s)%n%n",
                        d.group(),
                        d.state(),
                        d.groupEpoch(),
                        d.assignor(),
                        d.members().size(),
                        d.members().size() == 1 ? "" : "s");
                String row = "%-24s %-24s %9s %15s %15s %8s %s%n";
                out.printf(
                        row, "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID");
                for (EddyAdmin.PartitionLag p : d.partitions()) {
                    out.printf(
                            row,
                            d.group(),
                            p.partition().topic(),
                            p.partition().partition(),
                            p.committedOffset().map(String::valueOf).orElse("-"),
                            p.highWatermark(),
                            p.lag().map(String::valueOf).orElse("-"),
                            p.owner().orElse("-"));
                }
            }
            return EddyCli.OK;
        }
    }

    @Command(name = "reset-offsets", description = "Move a group's offsets (only while it has no live member).")
    static final class ResetOffsets implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "GROUP")
        String group;

        @Option(names = "--topic", description = "a topic to reset (repeatable; default: the topics it committed on)")
        List<String> topics = List.of();

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--to-earliest")
            boolean earliest;

            @Option(names = "--to-latest")
            boolean latest;

            @Option(names = "--to-datetime", description = "ISO-8601 instant, e.g. 2026-01-31T12:00:00Z")
            String datetime;

            @Option(names = "--by-duration", description = "ISO-8601 duration back from now, e.g. PT1H")
            String duration;
        }

        @ArgGroup(exclusive = true)
        Mode mode;

        static final class Mode {
            @Option(names = "--dry-run", description = "show the new offsets, change nothing (the default)")
            boolean dryRun;

            @Option(names = "--execute", description = "move the offsets")
            boolean execute;
        }

        @Override
        public Integer call() {
            EddyAdmin.ResetTarget to;
            try {
                to = target.earliest
                        ? EddyAdmin.ResetTarget.earliest()
                        : target.latest
                                ? EddyAdmin.ResetTarget.latest()
                                : target.datetime != null
                                        ? EddyAdmin.ResetTarget.timestamp(
                                                Instant.parse(target.datetime).toEpochMilli())
                                        : EddyAdmin.ResetTarget.duration(
                                                Duration.parse(target.duration).toMillis());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("cannot read '" + e.getParsedString() + "': " + e.getMessage(), e);
            }
            boolean execute = mode != null && mode.execute;
            PrintWriter out = spec.commandLine().getOut();
            if (!execute) {
                spec.commandLine().getErr().println("eddy: dry run (nothing changes); --execute moves the offsets");
            }
            try (EddyAdmin admin = new EddyAdmin(connection.config())) {
                Map<TopicPartition, Long> offsets = admin.resetOffsets(group, to, topics, !execute);
                String row = "%-24s %-24s %9s %15s%n";
                out.printf(row, "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
                offsets.forEach((tp, o) -> out.printf(row, group, tp.topic(), tp.partition(), o));
            }
            return EddyCli.OK;
        }
    }
}
