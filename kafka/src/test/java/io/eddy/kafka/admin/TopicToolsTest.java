package io.eddy.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.CleanupPolicy;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.tools.LogDirsCommand;
import org.apache.kafka.tools.TopicCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka's own {@code kafka-topics} (in-process) and librdkafka's {@code kcat} administer and list topics; Kafka's
 * {@code kafka-log-dirs} shows their partitions' sizes.
 */
@ExtendWith(EddyStackExtension.class)
class TopicToolsTest {
    private static final Path KCAT = Path.of("/usr/bin/kcat");

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

    @Test
    void kafkaTopicsCreatesListsDescribesAltersAndDeletes() {
        KafkaTool.Run created = topics(
                "--create",
                "--topic",
                "tool-orders",
                "--partitions",
                "3",
                "--replication-factor",
                "1",
                "--config",
                "cleanup.policy=compact");
        assertThat(created.status()).as(created.out()).isZero();
        assertThat(created.out()).contains("Created topic tool-orders.");
        Topic stored = eddy.topics().require("tool-orders").await().atMost(KafkaFrontEnd.AWAIT);
        assertThat(stored.partitions()).isEqualTo(3);
        assertThat(stored.config().cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);

        KafkaTool.Run listed = topics("--list");
        assertThat(listed.out().lines()).contains("tool-orders");

        KafkaTool.Run described = topics("--describe", "--topic", "tool-orders");
        assertThat(described.status()).isZero();
        assertThat(described.out())
                .contains("Topic: tool-orders\tTopicId: ")
                .contains("PartitionCount: 3\tReplicationFactor: 1\tConfigs: cleanup.policy=compact")
                .contains("\tTopic: tool-orders\tPartition: 2\tLeader: 0\tReplicas: 0\tIsr: 0");

        KafkaTool.Run altered = topics("--alter", "--topic", "tool-orders", "--partitions", "6");
        assertThat(altered.status()).isZero();
        assertThat(eddy.topics()
                        .require("tool-orders")
                        .await()
                        .atMost(KafkaFrontEnd.AWAIT)
                        .partitions())
                .isEqualTo(6);
        assertThat(topics("--describe", "--topic", "tool-orders").out()).contains("PartitionCount: 6");

        KafkaTool.Run deleted = topics("--delete", "--topic", "tool-orders");
        assertThat(deleted.status()).isZero();
        assertThatThrownBy(() -> eddy.topics().require("tool-orders").await().atMost(KafkaFrontEnd.AWAIT))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
        assertThat(topics("--list").out().lines()).doesNotContain("tool-orders");
    }

    @Test
    void kafkaTopicsReportsAKafkaErrorForATopicThatExists() {
        eddy.topics().create("tool-taken", 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);

        KafkaTool.Run again = topics("--create", "--topic", "tool-taken", "--partitions", "1");

        assertThat(again.status()).isNotZero();
        assertThat(again.out()).containsIgnoringCase("topic 'tool-taken' already exists");
    }

    @Test
    void kcatListsTopicsAndPartitionsWithThisInstanceLeadingEach() throws Exception {
        assertThat(Files.isExecutable(KCAT))
                .as("kcat (librdkafka) is needed at %s: apt-get install -y kcat", KCAT)
                .isTrue();
        eddy.topics().create("kcat-listed", 2, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);

        String out = kcat("-L", "-b", eddy.bootstrapServers(), "-m", "20");

        assertThat(out)
                .contains("1 brokers:")
                .contains("broker 0 at 127.0.0.1:" + eddy.port() + " (controller)")
                .contains("topic \"kcat-listed\" with 2 partitions:")
                .contains("partition 0, leader 0, replicas: 0, isrs: 0")
                .contains("partition 1, leader 0, replicas: 0, isrs: 0");
    }

    @Test
    void kafkaLogDirsShowsEachPartitionsSizeAsItsHeadKeepsIt() throws Exception {
        String name = "dirs-" + Long.toHexString(System.nanoTime());
        Topic topic = eddy.topics().create(name, 2, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        eddy.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(name, 0, "k" + i, "value-" + i))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        Map<Integer, PartitionHead> heads = eddy.topics().heads(topic).await().atMost(KafkaFrontEnd.AWAIT);

        KafkaTool.Run run = KafkaTool.run(
                LogDirsCommand::main,
                "--bootstrap-server",
                eddy.bootstrapServers(),
                "--describe",
                "--topic-list",
                name);

        assertThat(run.status()).as(run.out()).isZero();
        JsonNode answer = new ObjectMapper()
                .readTree(run.out()
                        .lines()
                        .filter(l -> l.startsWith("{"))
                        .findFirst()
                        .orElseThrow());
        JsonNode dir = answer.at("/brokers/0/logDirs/0");
        assertThat(dir.get("logDir").asText()).isEqualTo(DescribeLogDirsHandler.LOG_DIR);
        Map<String, Long> sizes = new TreeMap<>();
        dir.get("partitions")
                .forEach(p ->
                        sizes.put(p.get("partition").asText(), p.get("size").asLong()));
        assertThat(heads.get(0).sizeBytes()).isPositive();
        assertThat(sizes).containsOnly(entry(name + "-0", heads.get(0).sizeBytes()), entry(name + "-1", 0L));
    }

    private static KafkaTool.Run topics(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = eddy.bootstrapServers();
        System.arraycopy(args, 0, all, 2, args.length);
        return KafkaTool.run(TopicCommand::main, all);
    }

    private static String kcat(String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(java.util.stream.Stream.concat(
                                java.util.stream.Stream.of(KCAT.toString()), List.of(args).stream())
                        .toList())
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kcat did not finish within 60 s");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("kcat exit status; output:%n%s", out).isZero();
        return out;
    }
}
