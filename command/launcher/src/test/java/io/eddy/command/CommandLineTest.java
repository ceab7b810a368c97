package io.eddy.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line as the script parsed it: usages, exit codes and messages of bad arguments, defaults. */
class CommandLineTest {
    @TempDir
    Path root;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<List<String>> mavenCalls = new ArrayList<>();

    private int eddy(String... args) {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Layout layout = new Layout(root);
        Children children = new Children(e);
        Session session = new Session(
                layout,
                new Builds(
                        layout,
                        (dir, a) -> {
                            mavenCalls.add(a);
                            return 1;
                        },
                        e),
                children,
                new Probes(new SplittableRandom(1)),
                new Cpu(root),
                o,
                e,
                Map.of());
        try {
            return Eddy.commandLine(session).execute(args);
        } finally {
            children.stopAll();
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--help|usage.txt",
                "-h|usage.txt",
                "help|usage.txt",
                "dev --help|usage.txt",
                "compact --help|usage.txt",
                "chaos -h|usage.txt",
                "perf produce --help|perf-produce-usage.txt",
                "perf consume --help|perf-consume-usage.txt",
                "perf kafka --help|perf-kafka-usage.txt",
                "perf kafka -h|perf-kafka-usage.txt"
            })
    void helpPrintsTheUsageAndSucceedsWithoutBuilding(String args, String usage) {
        assertThat(eddy(args.split(" "))).isZero();
        assertThat(out()).isEqualTo(Eddy.text(usage));
        assertThat(mavenCalls).isEmpty();
    }

    @Test
    void noArgumentsPrintTheUsage() {
        assertThat(eddy()).isZero();
        assertThat(out()).startsWith("usage: ./eddy dev [--port 8080]");
    }

    @Test
    void perfAlonePrintsBothBenchmarksUsages() {
        assertThat(eddy("perf")).isZero();
        assertThat(out())
                .isEqualTo(Eddy.text(PerfCommand.PRODUCE_USAGE) + "\n" + Eddy.text(PerfCommand.CONSUME_USAGE) + "\n"
                        + Eddy.text(PerfCommand.KAFKA_USAGE));
    }

    @Test
    void anUnknownSubcommandIsBadUsageWithExitCodeTwo() {
        assertThat(eddy("bogus")).isEqualTo(2);
        assertThat(err()).isEqualTo(Eddy.text(Eddy.USAGE));
        assertThat(out()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "dev --bogus|1|eddy: unknown option '--bogus'",
                "dev --port|1|eddy: --port needs a value",
                "dev --port 99999|1|eddy: --port must be 1-65535, not '99999'",
                "dev --port x|1|eddy: --port must be 1-65535, not 'x'",
                "dev --kafka-port|1|eddy: --kafka-port needs a value",
                "dev --kafka-port 65536|1|eddy: --kafka-port must be 0-65535 (0: any free port), not '65536'",
                "dev --kafka-port -1|1|eddy: --kafka-port must be 0-65535 (0: any free port), not '-1'",
                "perf bogus|1|eddy: unknown benchmark 'bogus' (there are: produce, consume, kafka, floor, client-produce, client-consume)",
                "perf produce --bogus|1|eddy: unknown option '--bogus'",
                "perf produce --sizes|1|eddy: --sizes needs a value",
                "perf produce --lingers 5,x|1|eddy: --lingers takes milliseconds separated by commas, not '5,x'",
                "perf produce --duration 20|1|eddy: --duration takes whole seconds such as 20s, not '20'",
                "perf produce --warmup 1m|1|eddy: --warmup takes whole seconds such as 5s, not '1m'",
                "perf produce --warm-up-windows 0|1|eddy: --warm-up-windows takes a number of windows from 1 to 99, not '0'",
                "perf consume --tiers s3,tape|1|eddy: --tiers takes s3, disk and/or memory, not 's3,tape'",
                "perf consume --mb 0|1|eddy: --mb takes a whole number of MiB, not '0'",
                "perf consume --rounds 0|1|eddy: --rounds takes a number of reads from 1 to 999, not '0'",
                "perf consume --warm-up-reads x|1|eddy: --warm-up-reads takes a number of reads from 1 to 999, not 'x'",
                "perf consume --load-linger 5|1|eddy: --load-linger takes a duration such as 250ms, not '5'",
                "perf consume --load-producers 0|1|eddy: --load-producers takes a number of producers from 1 to 9999, not '0'",
                "perf consume --s3-recent-bytes 64M|1|eddy: --s3-recent-bytes takes a number of bytes, not '64M'",
                "perf kafka --bogus|1|eddy: unknown option '--bogus'",
                "perf kafka --records|1|eddy: --records needs a value",
                "perf kafka --sizes 100,0|1|eddy: --sizes takes bytes separated by commas, not '100,0'",
                "perf kafka --records 1e6|1|eddy: --records takes a number of records, not '1e6'",
                "perf kafka --latency-records 0|1|eddy: --latency-records takes a number of records, not '0'",
                "perf kafka --warm-up-rounds x|1|eddy: --warm-up-rounds takes a number of rounds, not 'x'",
                "chaos --bogus|2|eddy: unknown option '--bogus'",
                "chaos --seed|1|eddy: --seed needs a value",
                "compact --bogus|2|eddy: unknown option '--bogus'",
                "compact --url|1|eddy: --url needs a value"
            })
    void badArgumentsSayWhatIsWrongWithTheScriptsExitCode(String args, int exit, String lastLine) {
        assertThat(eddy(args.split(" "))).isEqualTo(exit);
        assertThat(err().lines().reduce((a, b) -> b)).contains(lastLine);
        assertThat(mavenCalls).isEmpty();
    }

    @Test
    void aFailedBuildSaysHowToSeeWhy() {
        assertThat(eddy("topics", "list")).isEqualTo(1);
        assertThat(mavenCalls).containsExactly(List.of("-q", "-B", "-DskipTests", "package", "-pl", "client", "-am"));
        assertThat(err()).endsWith("eddy: the build failed; run 'mvn -DskipTests package -pl client -am' to see why\n");
    }

    @Test
    void eachSubcommandBuildsTheModulesItRuns() {
        eddy("dev");
        eddy("perf", "produce", "--quick");
        eddy("perf", "floor");
        eddy("perf", "kafka", "--quick");
        eddy("perf", "floor", "--help");
        eddy("chaos");
        eddy("groups", "--help");

        assertThat(mavenCalls)
                .extracting(a -> a.get(5))
                .containsExactly(
                        "server,standins",
                        "server,standins,bench",
                        "standins,bench",
                        "server,standins,bench",
                        "bench",
                        "server,chaos",
                        "client");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // quick, given lingers, sizes, acks, warmup, windows, duration
                //   -> lingers, sizes, acks, warmup s, windows, duration s
                "false|''|''|''|''|''|''|[0, 5, 50]|100,1024|1,all|5|48|20",
                "true|''|''|''|''|''|''|[5]|100|all|2|1|5",
                "true|0,50|1024|1|1s|3|9s|[0, 50]|1024|1|1|3|9",
                "false|7|''|''|''|''|3s|[7]|100,1024|1,all|5|48|3"
            })
    void perfProduceQuickChangesOnlyTheDefaultsNotGiven(
            boolean quick,
            String lingers,
            String sizes,
            String acks,
            String warmup,
            String windows,
            String duration,
            String expectLingers,
            String expectSizes,
            String expectAcks,
            int expectWarmup,
            int expectWindows,
            int expectDuration) {
        PerfProduceCommand.Plan plan = PerfProduceCommand.Plan.of(
                quick,
                given(lingers),
                given(sizes),
                given(acks),
                Optional.empty(),
                given(warmup),
                given(windows),
                given(duration));

        assertThat(plan.lingers()).hasToString(expectLingers);
        assertThat(plan)
                .extracting(
                        PerfProduceCommand.Plan::sizes,
                        PerfProduceCommand.Plan::acks,
                        PerfProduceCommand.Plan::producers,
                        PerfProduceCommand.Plan::warmupSeconds,
                        PerfProduceCommand.Plan::warmUpWindows,
                        PerfProduceCommand.Plan::durationSeconds)
                .containsExactly(expectSizes, expectAcks, "16", expectWarmup, expectWindows, expectDuration);
    }

    @Test
    void perfKafkasMemoryTierHoldsEveryRecordTheRunWrites() {
        PerfKafkaCommand.Plan big = PerfKafkaCommand.Plan.of(
                false, Optional.of("100,1024"), Optional.of("300000"), Optional.of("500"), Optional.of("2"));
        PerfKafkaCommand.Plan defaultRounds = PerfKafkaCommand.Plan.of(
                false, Optional.of("100,1024"), Optional.of("300000"), Optional.of("500"), Optional.empty());
        PerfKafkaCommand.Plan quick =
                PerfKafkaCommand.Plan.of(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        // two warm-up rounds of up to four times 150,000 records and 100 round trips per size, then each size's
        // produce and latency records
        long written = 2 * (4 * 150_000L + 100) * (100 + 1024) + 300_500L * 100 + 300_500L * 1024;
        long machine = 24L << 30;
        assertThat(big.cacheBytes(machine)).isGreaterThan(written);
        // thirty rounds (the default) write more than an eighth of the machine: the tier stops there, and still holds
        // the measured runs, which are written last
        assertThat(defaultRounds.cacheBytes(machine)).isEqualTo(machine / 8);
        long quickWritten = (3 * (4 * 100_000L + 100) + 100_200L) * 100;
        assertThat(quick.cacheBytes(machine)).isGreaterThan(quickWritten).isLessThan(machine / 8);
        assertThat(big.cacheBytes(8L << 30)).isEqualTo(1L << 30); // half of the server's default heap at most
        assertThat(quick.cacheBytes(1L << 30)).isEqualTo(256L << 20); // never below the server's default
    }

    @ParameterizedTest
    @CsvSource({
        // the process's ticks in a round, its compiler threads' -> warmed up
        "600, 228, false", // the compiler at 38%: still at work
        "400, 21, false",
        "400, 20, true", // a twentieth
        "400, 0, true",
        "400, -1, false", // unknown
        "0, 0, false", // nothing measured
    })
    void perfWarmsUpUntilTheJitCompilerSpendsAtMostATwentiethOfARound(long ticks, long compilerTicks, boolean warm) {
        assertThat(new Cpu.Use(ticks, compilerTicks).settled()).isEqualTo(warm);
        if (ticks > 0) {
            assertThat(Cpu.Use.settled(compilerTicks < 0 ? -1 : compilerTicks / (double) ticks))
                    .as("the same by share")
                    .isEqualTo(warm);
        }
    }

    @Test
    void perfConsumeReadsTheJitShareOfAReadsJson() {
        assertThat(PerfConsumeCommand.jitShare(
                        "{\n  \"system\" : \"eddy\",\n  \"jit_share\" : 0.0421,\n  \"results\" : []"))
                .isEqualTo(0.0421);
        assertThat(PerfConsumeCommand.jitShare("{\"jit_share\":-1.0}")).isEqualTo(-1.0);
        assertThat(PerfConsumeCommand.jitShare("{\"jit_share\" : 4.2E-4}")).isEqualTo(4.2e-4);
        assertThat(PerfConsumeCommand.jitShare("{\"system\" : \"eddy\"}"))
                .as("missing")
                .isEqualTo(-1.0);
    }

    @Test
    void perfConsumeQuickReadsSixteenMibOfHundredByteRecords() {
        PerfConsumeCommand.Plan quick = PerfConsumeCommand.Plan.of(
                true, Optional.empty(), Optional.empty(), "s3,disk,memory", Optional.empty(), Optional.empty());
        PerfConsumeCommand.Plan full = PerfConsumeCommand.Plan.of(
                false, Optional.empty(), Optional.empty(), "memory", Optional.empty(), Optional.empty());
        PerfConsumeCommand.Plan given = PerfConsumeCommand.Plan.of(
                true, Optional.empty(), Optional.empty(), "memory", Optional.of("3"), Optional.of("5"));

        assertThat(quick).isEqualTo(new PerfConsumeCommand.Plan("100", 16, "s3,disk,memory", 1, 1));
        assertThat(full).isEqualTo(new PerfConsumeCommand.Plan("100,1024", 150, "memory", 8, 20));
        assertThat(given).isEqualTo(new PerfConsumeCommand.Plan("100", 16, "memory", 3, 5));
        assertThat(full.reads("memory")).isTrue();
        assertThat(full.reads("s3")).isFalse();
        assertThat(full.dataBytes()).isEqualTo(150L * 2 * 1_048_576 * 2 + 268_435_456);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // quick, given sizes, records, latency records -> sizes, records at 100 B and 1 KiB, round trips
                "false|''|''|''|[100, 1024]|6000000|1171860|2000",
                "true|''|''|''|[100]|100000|100000|200",
                "true|1024|50000|10|[1024]|50000|50000|10",
                "false|100|''|500|[100]|6000000|1171860|500"
            })
    void perfKafkaQuickChangesOnlyTheDefaultsNotGiven(
            boolean quick,
            String sizes,
            String records,
            String latency,
            String expectSizes,
            long expectRecords100,
            long expectRecords1024,
            long expectLatency) {
        PerfKafkaCommand.Plan plan =
                PerfKafkaCommand.Plan.of(quick, given(sizes), given(records), given(latency), Optional.empty());

        assertThat(plan.sizes()).hasToString(expectSizes);
        assertThat(plan.records(100)).isEqualTo(expectRecords100);
        assertThat(plan.records(1024)).isEqualTo(expectRecords1024);
        assertThat(plan.warmupRecords(100)).isEqualTo(expectRecords100 / 5);
        assertThat(plan.warmUpRoundRecords(100)).isEqualTo(Math.min(expectRecords100, 150_000));
        assertThat(plan.warmUpRounds()).isEqualTo(quick ? 3 : 30);
        assertThat(plan.latencyRecords()).isEqualTo(expectLatency);
        assertThat(plan.warmUpLatencyRecords()).isEqualTo(Math.min(expectLatency, 100));
    }

    @ParameterizedTest
    @CsvSource({
        // records produced, seconds the produce took -> the next round's records
        "150000, 2.5, 360000", // Eddy's defaults at 100 B: to ~6 s at the same rate
        "150000, 0.9, 600000", // a broker, or large batches: at most four times the first round
        "150000, 12, 150000", // a slow round is not shortened below the first
        "360000, 5.0, 432000",
        "150000, 0, 600000" // no time measured: as many as allowed
    })
    void perfKafkaWarmUpRoundsGrowUntilTheirProduceTakesSeconds(long records, double seconds, long expectNext) {
        PerfKafkaCommand.Plan plan = PerfKafkaCommand.Plan.of(
                false, Optional.of("100"), Optional.of("300000"), Optional.of("500"), Optional.empty());

        assertThat(plan.nextWarmUpRoundRecords(100, records, seconds)).isEqualTo(expectNext);
    }

    @Test
    void perfKafkaProducerPropsFollowTheIssuesSettingsOnEveryProducerRun() {
        List<String> props = PerfKafkaCommand.producerProps(Optional.of(" batch.size=1048576, buffer.memory=67108864"));
        assertThat(props).containsExactly("batch.size=1048576", "buffer.memory=67108864");
        assertThat(KafkaBaseline.producePerformance("b:1", "perf-100", 1000, 200, 100, props))
                .endsWith(
                        "--command-property",
                        "acks=all",
                        "linger.ms=5",
                        "batch.size=1048576",
                        "buffer.memory=67108864");
        assertThat(PerfKafkaCommand.producerProps(Optional.empty())).isEmpty();
        assertThatThrownBy(() -> PerfKafkaCommand.producerProps(Optional.of("batch.size")))
                .hasMessageContaining("not 'batch.size'");
        assertThatThrownBy(() -> PerfKafkaCommand.producerProps(Optional.of("a=1;rm")))
                .hasMessageContaining("not 'a=1;rm'");
    }

    @Test
    void perfKafkaRunsKafkasToolsWithTheIssuesSettings() {
        assertThat(KafkaBaseline.producePerformance("127.0.0.1:9092", "perf-100", 1000, 200, 100, List.of()))
                .containsExactly(
                        "org.apache.kafka.tools.ProducerPerformance",
                        "--bootstrap-server",
                        "127.0.0.1:9092",
                        "--topic",
                        "perf-100",
                        "--num-records",
                        "1000",
                        "--warmup-records",
                        "200",
                        "--record-size",
                        "100",
                        "--throughput",
                        "-1",
                        "--command-property",
                        "acks=all",
                        "linger.ms=5");
        assertThat(PerfKafkaCommand.consumeArgs("b:1", "perf-100", 1000))
                .containsSubsequence("org.apache.kafka.tools.ConsumerPerformance", "--num-records", "1000");
        assertThat(PerfKafkaCommand.latencyArgs("b:1", "latency-100", 200, 100))
                .containsSubsequence(
                        "org.apache.kafka.tools.EndToEndLatency",
                        "--topic",
                        "latency-100",
                        "--num-records",
                        "200",
                        "--producer-acks",
                        "all",
                        "--record-size",
                        "100");
        assertThat(PerfKafkaCommand.createTopicArgs("b:1", "t")).containsSubsequence("--partitions", "6");
    }

    @Test
    void devPortsAreOneTo65535() {
        assertThat(DevCommand.port("8080")).isEqualTo(8080);
        assertThat(DevCommand.port("1")).isEqualTo(1);
        assertThatThrownBy(() -> DevCommand.port("0")).hasMessage("--port must be 1-65535, not '0'");
        assertThatThrownBy(() -> DevCommand.port("-1")).hasMessage("--port must be 1-65535, not '-1'");
    }

    @Test
    void devKafkaPortsAreZeroTo65535WhereZeroIsAnyFreePort() {
        assertThat(DevCommand.kafkaPort("9092")).isEqualTo(9092);
        assertThat(DevCommand.kafkaPort("0")).isZero();
        assertThat(DevCommand.kafkaPort("65535")).isEqualTo(65535);
        assertThatThrownBy(() -> DevCommand.kafkaPort("x"))
                .hasMessage("--kafka-port must be 0-65535 (0: any free port), not 'x'");
    }

    @Test
    void theServerListensForKafkaClientsOnlyWhenGivenAKafkaPort() {
        Stack.Standins standins = new Stack.Standins(null, "http://127.0.0.1:1", "http://127.0.0.1:2");

        assertThat(Stack.serverCommand(
                        "java", Path.of("s.jar"), 8080, OptionalInt.of(9092), standins, List.of("-Da=b")))
                .startsWith("java", "-Da=b", "-Dquarkus.http.port=8080", "-Deddy.kafka.port=9092")
                .endsWith("-jar", "s.jar");
        assertThat(Stack.serverCommand("java", Path.of("s.jar"), 8080, OptionalInt.empty(), standins, List.of()))
                .contains("-Deddy.kafka.enabled=false")
                .noneMatch(o -> o.startsWith("-Deddy.kafka.port"));
    }

    @Test
    void theBootstrapServersAreReadFromTheServersStartUpLine() {
        assertThat(Stack.bootstrapServers("2026-12-05 11:37:23,773 INFO  [io.eddy.server.KafkaStartup] (main) "
                        + "Kafka clients: bootstrap.servers=127.0.0.1:42907"))
                .isEqualTo("127.0.0.1:42907");
        assertThat(Stack.bootstrapServers("bootstrap.servers=eddy.example:9092 (advertised)"))
                .isEqualTo("eddy.example:9092");
        assertThat(Stack.bootstrapServers("no such line")).isEmpty();
    }

    @Test
    void devAuthGivesTheServerOnlyTheTokensHash() {
        String token = DevCommand.newToken(new java.security.SecureRandom());

        assertThat(token).matches("eddy_[A-Za-z0-9_-]{43}");
        assertThat(DevCommand.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(DevCommand.authOptions(token))
                .containsExactly(
                        "-Deddy.auth.mode=token",
                        "-Deddy.auth.principals.admin.token-sha256=" + DevCommand.sha256Hex(token),
                        "-Deddy.auth.principals.admin.grants=admin:topic:*,admin:group:*,admin:cluster:*");
    }

    @Test
    void chaosGivesTheRunnerItsOptionsAfterTheDefaultOutputDirectory() {
        ChaosCommand chaos = new ChaosCommand(null);
        picocli.CommandLine cl = new picocli.CommandLine(chaos);
        cl.parseArgs("--scenarios", "baseline", "--duration", "20s", "--out-dir", "/x");

        assertThat(chaos.runnerArgs(Path.of("/r/chaos/target/chaos")))
                .containsExactly(
                        "--out-dir",
                        "/r/chaos/target/chaos",
                        "--duration",
                        "20s",
                        "--scenarios",
                        "baseline",
                        "--out-dir",
                        "/x");
    }

    @Test
    void compactAsksForTheTopicsAndTheSwitchesGiven() {
        CompactCommand compact = new CompactCommand(null);
        new picocli.CommandLine(compact).parseArgs("--topic", "a b", "--dry-run", "--topic=c", "--no-gc", "--scrub");

        assertThat(compact.query()).isEqualTo("topic=a+b&topic=c&dry_run=true&gc=false&scrub=true");
        assertThat(compact.url).isEqualTo("http://127.0.0.1:8080");
    }

    private static Optional<String> given(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
