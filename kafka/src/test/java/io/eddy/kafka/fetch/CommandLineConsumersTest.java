package io.eddy.kafka.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.eddy.core.group.GroupId;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.produce.Acks;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.consumer.ConsoleConsumer;
import org.apache.kafka.tools.consumer.ConsoleConsumerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Consumers Eddy did not write: librdkafka's kcat as a process, Kafka's ConsoleConsumer in-process. */
@ExtendWith(EddyStackExtension.class)
class CommandLineConsumersTest {
    private static final String KCAT = "/usr/bin/kcat";
    private static KafkaFrontEnd eddy;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    /**
     * A topic of one partition holding {@code key-i}/{@code value-i} at offset i, timestamp 1000 + i, written by
     * core in batches of 3 with each codec; the lines {@code offset key value timestamp}.
     */
    private static List<String> topicWithRecords(String name, int count) {
        Topic topic = eddy.topics().create(name, 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        List<Compression> codecs = List.of(
                Compression.NONE,
                Compression.gzip().build(),
                Compression.lz4().build(),
                Compression.zstd().build());
        List<String> lines = new ArrayList<>();
        for (int first = 0; first < count; first += 3) {
            List<ProduceRequest.Entry> entries = new ArrayList<>();
            for (int i = first; i < Math.min(count, first + 3); i++) {
                entries.add(new ProduceRequest.Entry(
                        0,
                        new Record(
                                -1,
                                1_000 + i,
                                ("key-" + i).getBytes(StandardCharsets.UTF_8),
                                ("value-" + i + " é").getBytes(StandardCharsets.UTF_8),
                                List.of())));
                lines.add(i + " key-" + i + " value-" + i + " é " + (1_000 + i));
            }
            eddy.core()
                    .produce()
                    .produce(
                            topic.name().value(),
                            new ProduceRequest(
                                    entries, false, Acks.LEADER, codecs.get(first / 3 % codecs.size()), null))
                    .await()
                    .atMost(KafkaFrontEnd.AWAIT);
        }
        return lines;
    }

    @Test
    void kcatReadsFromTheBeginningExactlyWhatCoreWrote(@TempDir Path dir) throws Exception {
        String name = "kcat-" + UUID.randomUUID();
        List<String> expected = topicWithRecords(name, 10);
        Path out = dir.resolve("out.txt");
        kcat(dir, out, "-C", "-t", name, "-p", "0", "-o", "beginning", "-e");
        assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).containsExactlyElementsOf(expected);
    }

    /**
     * librdkafka's balanced consumer (classic JoinGroup/SyncGroup with its own assignor, OffsetCommit on close)
     * reads every record once, and its group is Eddy's, as the HTTP API lists groups.
     */
    @Test
    void kcatAsAConsumerGroupReadsEveryRecordAndItsGroupIsEddys(@TempDir Path dir) throws Exception {
        String name = "kcat-group-" + UUID.randomUUID();
        String group = "kcat-" + UUID.randomUUID();
        List<String> expected = topicWithRecords(name, 9);
        Path out = dir.resolve("out.txt");
        kcat(dir, out, "-G", group, name, "-X", "auto.offset.reset=earliest", "-c", String.valueOf(expected.size()));

        assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(eddy.services().groups().list().await().atMost(KafkaFrontEnd.AWAIT))
                .extracting(GroupId::value)
                .contains(group);
    }

    /** Runs kcat against the front end with {@code args}, records printed as {@code offset key value timestamp}. */
    private static void kcat(Path dir, Path out, String... args) throws Exception {
        if (!new File(KCAT).canExecute()) {
            fail("kcat is missing at " + KCAT + ": install the Debian package kcat (CI does)");
        }
        List<String> command = new ArrayList<>(List.of(KCAT, "-b", eddy.bootstrapServers(), "-q"));
        command.addAll(List.of(args));
        command.addAll(List.of("-f", "%o %k %s %T\\n"));
        Process kcat = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        if (!kcat.waitFor(90, TimeUnit.SECONDS)) {
            kcat.destroyForcibly();
            fail("kcat did not finish in 90 s: " + Files.readString(dir.resolve("err.txt")));
        }
        assertThat(kcat.exitValue())
                .as("kcat's exit code; its errors: %s", Files.readString(dir.resolve("err.txt")))
                .isZero();
    }

    @Test
    void kafkasConsoleConsumerReadsAPartitionFromAnOffset() throws Exception {
        String name = "console-" + UUID.randomUUID();
        List<String> written = topicWithRecords(name, 8);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;

        // the console consumer prints to System.out, and only there; it exits the JVM on a bad option
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Exit.setExitProcedure((code, message) -> {
            throw new AssertionError("the console consumer exited with " + code + ": " + message);
        });
        try {
            ConsoleConsumer.run(new ConsoleConsumerOptions(new String[] {
                "--bootstrap-server", eddy.bootstrapServers(),
                "--topic", name,
                "--partition", "0",
                "--offset", "2",
                "--max-messages", "5",
                "--timeout-ms", "30000",
                "--property", "print.key=true",
                "--property", "print.offset=true",
                "--property", "key.separator= "
            }));
        } finally {
            Exit.resetExitProcedure();
            System.setOut(stdout);
        }

        List<String> expected = written.subList(2, 7).stream()
                .map(line -> {
                    String[] f = line.split(" ");
                    return "Offset:" + f[0] + " " + f[1] + " " + f[2] + " " + f[3];
                })
                .toList();
        assertThat(captured.toString(StandardCharsets.UTF_8).lines()).containsExactlyElementsOf(expected);
    }
}
