package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.client.cli.EddyCli;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command of the eddy tool run in-process against the server: output and exit codes. */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class CliIT {
    @TestHTTPResource("/")
    URL url;

    private CliRun eddy(String stdin, String... args) {
        return CliRun.of(url, stdin, args);
    }

    @Test
    void topicsProduceConsumeGroupsAndPerfEndToEnd() throws Exception {
        String topic = "cli-" + Long.toHexString(System.nanoTime());
        String group = "cli-group-" + Long.toHexString(System.nanoTime());

        // topics
        CliRun created = eddy("", "topics", "create", topic, "--partitions", "3", "--config", "retention.ms=86400000");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created topic " + topic + " with 3 partitions.");
        CliRun again = eddy("", "topics", "create", topic, "--partitions", "3");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).startsWith("eddy: ").contains("(topic_already_exists)");
        assertThat(eddy("", "topics", "list", "--url", url.toString()).lines()).contains(topic);

        // produce: keyed lines, and lines to one partition
        CliRun produced = eddy("k1:v1\nk2:v2\nk3:v3\n", "produce", topic, "--key-separator", ":");
        assertThat(produced.exit()).as(produced.err()).isZero();
        assertThat(produced.err()).contains("3 records produced");
        CliRun toOne = eddy("a\nb\n", "produce", topic, "--partition", "1", "--acks", "1");
        assertThat(toOne.exit()).as(toOne.err()).isZero();

        CliRun described = eddy("", "topics", "describe", topic);
        assertThat(described.exit()).isZero();
        assertThat(described.out())
                .contains("Topic: " + topic + "\tPartitions: 3")
                .contains("retention.ms=86400000");
        long total = described.lines().stream()
                .filter(l -> l.contains("HighWatermark"))
                .mapToLong(l -> field(l, "HighWatermark"))
                .sum();
        assertThat(total).isEqualTo(5);
        // each partition written to has a size, and the topic's is their sum
        List<Long> sizes = described.lines().stream()
                .filter(l -> l.contains("\tPartition: "))
                .map(l -> field(l, "SizeBytes"))
                .toList();
        assertThat(sizes).hasSize(3).allSatisfy(size -> assertThat(size).isNotNegative());
        assertThat(sizes.stream().filter(size -> size > 0)).isNotEmpty();
        assertThat(field(described.lines().get(0), "SizeBytes"))
                .isEqualTo(sizes.stream().mapToLong(Long::longValue).sum());

        // consume: a partition from an offset, key and value
        CliRun fromOffset = eddy(
                "",
                "consume",
                topic,
                "--partition",
                "1",
                "--offset",
                "0",
                "--max-messages",
                "5",
                "--timeout-ms",
                "2000",
                "--format",
                "key_value");
        assertThat(fromOffset.exit()).as(fromOffset.err()).isZero();
        assertThat(fromOffset.lines()).contains("null\ta", "null\tb");
        // consume: every partition from the beginning, as JSON
        CliRun json = eddy("", "consume", topic, "--from-beginning", "--max-messages", "5", "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.lines()).hasSize(5);
        List<String> values = new ArrayList<>();
        for (String line : json.lines()) {
            JsonNode r = Http.JSON.readTree(line);
            assertThat(r.get("topic").asText()).isEqualTo(topic);
            values.add(r.get("value").asText());
        }
        assertThat(values).containsExactlyInAnyOrder("v1", "v2", "v3", "a", "b");
        assertThat(json.err()).contains("Processed a total of 5 messages");

        // consume in a group: prints values and commits them
        CliRun inGroup = eddy("", "consume", topic, "--group", group, "--from-beginning", "--max-messages", "5");
        assertThat(inGroup.exit()).as(inGroup.err()).isZero();
        assertThat(inGroup.lines()).containsExactlyInAnyOrder("v1", "v2", "v3", "a", "b");

        // groups: list, describe with lag, reset offsets
        assertThat(eddy("", "groups", "list").lines()).contains(group);
        CliRun lag = eddy("", "groups", "describe", group);
        assertThat(lag.exit()).isZero();
        assertThat(lag.lines().get(2)).contains("CURRENT-OFFSET", "LOG-END-OFFSET", "LAG");
        List<String> rows =
                lag.lines().stream().filter(l -> l.startsWith(group)).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows).allSatisfy(r -> assertThat(r.trim().split("\\s+")[5]).isEqualTo("0"));
        CliRun dry = eddy("", "groups", "reset-offsets", group, "--to-earliest", "--topic", topic, "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.lines().stream().filter(l -> l.startsWith(group)))
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.trim().split("\\s+")[3]).isEqualTo("0"));
        assertThat(eddy("", "groups", "describe", group).out()).doesNotContain(" 5 ");
        CliRun executed = eddy("", "groups", "reset-offsets", group, "--to-earliest", "--topic", topic, "--execute");
        assertThat(executed.exit()).as(executed.err()).isZero();
        List<String> after = eddy("", "groups", "describe", group).lines().stream()
                .filter(l -> l.startsWith(group))
                .toList();
        long lagSum = after.stream()
                .mapToLong(r -> Long.parseLong(r.trim().split("\\s+")[5]))
                .sum();
        assertThat(lagSum).isEqualTo(5);

        // perf
        CliRun perfProduce =
                eddy("", "perf", "produce", "--topic", topic, "--num-records", "500", "--record-size", "50", "--json");
        assertThat(perfProduce.exit()).as(perfProduce.err()).isZero();
        JsonNode p = Http.JSON.readTree(perfProduce.out());
        assertThat(p.get("records").asLong()).isEqualTo(500);
        assertThat(p.get("records_per_sec").asDouble()).isPositive();
        assertThat(p.get("latency_p99_ms").asDouble())
                .isGreaterThanOrEqualTo(p.get("latency_p50_ms").asDouble());
        CliRun perfConsume =
                eddy("", "perf", "consume", "--topic", topic, "--messages", "505", "--timeout-ms", "3000", "--json");
        assertThat(perfConsume.exit()).as(perfConsume.err()).isZero();
        assertThat(Http.JSON.readTree(perfConsume.out()).get("records").asLong())
                .isEqualTo(505);
        CliRun perfText = eddy("", "perf", "produce", "--topic", topic, "--num-records", "10");
        assertThat(perfText.out())
                .contains("10 records sent")
                .contains("records/s")
                .contains("p99.9");

        // alter: more partitions and a config change; partitions never shrink
        CliRun altered = eddy("", "topics", "alter", topic, "--partitions", "4", "--config", "retention.ms=3600000");
        assertThat(altered.exit()).as(altered.err()).isZero();
        assertThat(altered.out())
                .contains("Partitions: 4")
                .contains("retention.ms=3600000")
                .contains("Partition: 3\t");
        CliRun shrink = eddy("", "topics", "alter", topic, "--partitions", "2");
        assertThat(shrink.exit()).isEqualTo(EddyCli.FAILED);
        assertThat(shrink.err()).contains("(invalid_partitions)");
        assertThat(eddy("", "topics", "alter", topic).exit()).isEqualTo(EddyCli.USAGE);
        CliRun toNew = eddy("n\n", "produce", topic, "--partition", "3");
        assertThat(toNew.exit()).as(toNew.err()).isZero();

        // delete
        CliRun deleted = eddy("", "topics", "delete", topic);
        assertThat(deleted.exit()).isZero();
        assertThat(eddy("", "topics", "list").lines()).doesNotContain(topic);
    }

    @Test
    void errorsAreOneLineWithDocumentedExitCodes() {
        String missing = "cli-missing-" + Long.toHexString(System.nanoTime());
        // an unknown topic: 1, with the problem's code
        CliRun produce = eddy("x\n", "produce", missing);
        assertThat(produce.exit()).isEqualTo(EddyCli.FAILED);
        assertThat(produce.err()).startsWith("eddy: ").contains("(unknown_topic)");
        CliRun consume = eddy("", "consume", missing, "--max-messages", "1");
        assertThat(consume.exit()).isEqualTo(EddyCli.FAILED);
        assertThat(consume.err()).contains("(unknown_topic)");
        assertThat(eddy("", "topics", "describe", missing).err()).contains("(unknown_topic)");
        assertThat(eddy("", "groups", "describe", "never-" + missing).err()).contains("(unknown_group)");

        // bad arguments: 2
        assertThat(eddy("", "topics", "create").exit()).isEqualTo(EddyCli.USAGE);
        assertThat(eddy("", "consume", "t", "--group", "g", "--partition", "1").exit())
                .isEqualTo(EddyCli.USAGE);
        assertThat(eddy("", "produce", "t", "--acks", "2").exit()).isEqualTo(EddyCli.USAGE);
        assertThat(eddy("", "groups", "reset-offsets", "g").exit()).isEqualTo(EddyCli.USAGE);
        assertThat(eddy("", "no-such-command", "x").exit()).isEqualTo(EddyCli.USAGE);

        // a server that is down: 3
        CliRun down = eddy("", "topics", "list", "--url", "http://127.0.0.1:1");
        assertThat(down.exit()).isEqualTo(EddyCli.UNREACHABLE);
        assertThat(down.err())
                .startsWith("eddy: cannot reach Eddy at http://127.0.0.1:1")
                .contains("(unreachable)");
        assertThat(eddy("x\n", "produce", "t", "--url", "http://127.0.0.1:1").exit())
                .isEqualTo(EddyCli.UNREACHABLE);
    }

    /** A number in a {@code describe} line: the value after {@code name: }, up to the next tab. */
    private static long field(String line, String name) {
        return Long.parseLong(
                line.replaceAll(".*\\b" + name + ": ([^\\t]*).*", "$1").trim());
    }
}
