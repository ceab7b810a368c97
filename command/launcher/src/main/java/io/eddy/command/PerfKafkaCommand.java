package io.eddy.command;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy perf kafka}: Kafka's own ProducerPerformance, ConsumerPerformance and EndToEndLatency, unchanged,
 * against an Eddy server's Kafka port and then against the Kafka 4.4.0 broker, same settings (6 partitions, acks=all,
 * linger 5 ms), each tool run with the CPU time of every process (server or broker, stand-ins, the tool itself);
 * prints the perf tool's kafka-report (ratios Eddy/Kafka).
 *
 * <p>One instance parses and runs once: not thread-safe.
 */
@Command(name = "kafka")
final class PerfKafkaCommand implements Callable<Integer>, Usage {
    @Option(names = "--quick")
    boolean quick;

    @Option(names = "--sizes")
    Optional<String> sizes = Optional.empty();

    @Option(names = "--records")
    Optional<String> records = Optional.empty();

    @Option(names = "--latency-records")
    Optional<String> latencyRecords = Optional.empty();

    @Option(names = "--out-dir")
    Optional<String> outDir = Optional.empty();

    @Option(names = "--no-kafka")
    boolean noKafka;

    @Option(names = "--profile")
    boolean profile;

    @Option(names = "--no-warm-up")
    boolean noWarmUp;

    @Option(names = "--warm-up-rounds")
    Optional<String> warmUpRounds = Optional.empty();

    @Option(names = "--rebuild")
    boolean rebuild;

    @Option(names = "--producer-props")
    Optional<String> producerProps = Optional.empty();

    /** The producer properties ProducerPerformance gets after acks=all and linger 5 ms, on both systems. */
    private List<String> props = List.of();

    @Option(names = {"-h", "--help"})
    boolean help;

    private final Session session;

    PerfKafkaCommand(Session session) {
        this.session = session;
    }

    /**
     * What one run measures, the quick defaults where {@code --quick} and the option was not given, checked.
     *
     * @param records        per size, what ProducerPerformance sends and ConsumerPerformance reads back; empty: as
     *                       many as 20 s take Kafka on a quiet machine ({@link KafkaBaseline#recordsPerSecond})
     * @param latencyRecords EndToEndLatency's round trips per size
     * @param warmUpRounds   at most this many warm-up rounds per system (0: none)
     */
    record Plan(List<Integer> sizes, Optional<Long> records, long latencyRecords, int warmUpRounds) {
        /** A first warm-up round's records per size: as many as the measured runs', at most this many. */
        static final long WARM_UP_ROUND_RECORDS = 150_000;
        /** A later round produces for about this long at each size, from the rate of the round before. */
        static final double WARM_UP_PRODUCE_SECONDS = 6;
        /** ...with at most this many times the first round's records. */
        static final int WARM_UP_GROWTH = 4;
        /** A warm-up round's EndToEndLatency round trips per size (at most the measured run's). */
        static final long WARM_UP_LATENCY_RECORDS = 100;

        static Plan of(
                boolean quick,
                Optional<String> sizes,
                Optional<String> records,
                Optional<String> latency,
                Optional<String> rounds) {
            String s = sizes.orElse(quick ? "100" : "100,1024");
            Optional<String> r = records.or(() -> quick ? Optional.of("100000") : Optional.empty());
            String l = latency.orElse(quick ? "200" : "2000");
            String w = rounds.orElse(quick ? "3" : "30");
            if (!s.matches("[0-9]+(,[0-9]+)*") || s.matches("(.*,)?0+(,.*)?")) {
                throw EddyExit.die("--sizes takes bytes separated by commas, not '" + s + "'");
            }
            if (r.isPresent() && !positive(r.get())) {
                throw EddyExit.die("--records takes a number of records, not '" + r.get() + "'");
            }
            if (!positive(l)) {
                throw EddyExit.die("--latency-records takes a number of records, not '" + l + "'");
            }
            if (!w.matches("[0-9]{1,3}")) {
                throw EddyExit.die("--warm-up-rounds takes a number of rounds, not '" + w + "'");
            }
            return new Plan(
                    Arrays.stream(s.split(",")).map(Integer::valueOf).toList(),
                    r.map(Long::valueOf),
                    Long.parseLong(l),
                    Integer.parseInt(w));
        }

        private static boolean positive(String n) {
            return n.matches("[0-9]{1,12}") && !n.matches("0+");
        }

        /** The records ProducerPerformance sends at a size (and ConsumerPerformance reads). */
        long records(int size) {
            return records.orElse(KafkaBaseline.recordsPerSecond(size) * 20);
        }

        /**
         * A memory tier that holds every batch the run writes (the warm-up's, each size's produce and latency runs),
         * with room for batch overheads, never less than the server's default (256 MiB), and at most an eighth of
         * the machine's memory ({@code physicalBytes}): half the heap the server gets by default.
         */
        long cacheBytes(long physicalBytes) {
            long bytes = 0;
            for (int size : sizes) {
                long warmUp = warmUpRounds * (WARM_UP_GROWTH * warmUpRoundRecords(size) + warmUpLatencyRecords());
                bytes += (warmUp + records(size) + latencyRecords) * (size + 128L);
            }
            return Math.max(256L << 20, Math.min(bytes + bytes / 4, physicalBytes / 8));
        }

        /** ProducerPerformance's warm-up: the first fifth, left out of its steady-state summary. */
        long warmupRecords(int size) {
            return records(size) / 5;
        }

        /**
         * A warm-up round's EndToEndLatency round trips per size: one record at a time takes paths that the
         * throughput tools' batches never do (a flush of one request, a fetch that may not wait), and without them
         * in the warm-up the measured latency run was where they compiled (29% of the server's CPU in it, C2).
         */
        long warmUpLatencyRecords() {
            return Math.min(latencyRecords, WARM_UP_LATENCY_RECORDS);
        }

        /** What the first warm-up round produces and consumes at a size. */
        long warmUpRoundRecords(int size) {
            return Math.min(records(size), WARM_UP_ROUND_RECORDS);
        }

        /**
         * What the next warm-up round produces and consumes at a size, after a round that produced {@code records}
         * in {@code seconds} (the tool's whole run, its start included): enough to produce for
         * {@link #WARM_UP_PRODUCE_SECONDS} at that rate, between the first round's records and
         * {@link #WARM_UP_GROWTH} times them. A round whose produce takes well under a second (a broker, or large
         * client batches) is mostly the tools' start-up, and the server's compiler threads, at work in the
         * background, stay a large share of its CPU in it: such rounds never count as settled.
         */
        long nextWarmUpRoundRecords(int size, long records, double seconds) {
            long first = warmUpRoundRecords(size);
            double wanted = seconds > 0 ? Math.ceil(records * WARM_UP_PRODUCE_SECONDS / seconds) : Double.MAX_VALUE;
            return (long) Math.max(first, Math.min((double) WARM_UP_GROWTH * first, wanted));
        }
    }

    /**
     * {@code --producer-props}: producer properties separated by spaces or commas, each {@code key=value} (Kafka's
     * names, such as {@code batch.size=1048576}), given to every ProducerPerformance run on both systems.
     */
    static List<String> producerProps(Optional<String> given) {
        List<String> props = given.map(p -> Arrays.stream(p.trim().split("[\\s,]+"))
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(List.of());
        for (String prop : props) {
            if (!prop.matches("[a-z][a-z0-9.]*=[A-Za-z0-9._:-]+")) {
                throw EddyExit.die(
                        "--producer-props takes producer properties such as batch.size=1048576, not '" + prop + "'");
            }
        }
        return props;
    }

    static List<String> consumeArgs(String bootstrap, String topic, long records) {
        return List.of(
                "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server",
                bootstrap,
                "--topic",
                topic,
                "--num-records",
                String.valueOf(records),
                "--timeout",
                "60000");
    }

    static List<String> latencyArgs(String bootstrap, String topic, long records, int size) {
        return List.of(
                "org.apache.kafka.tools.EndToEndLatency",
                "--bootstrap-server",
                bootstrap,
                "--topic",
                topic,
                "--num-records",
                String.valueOf(records),
                "--producer-acks",
                "all",
                "--record-size",
                String.valueOf(size));
    }

    static List<String> createTopicArgs(String bootstrap, String topic) {
        return List.of(
                "org.apache.kafka.tools.TopicCommand",
                "--bootstrap-server",
                bootstrap,
                "--create",
                "--topic",
                topic,
                "--partitions",
                "6",
                "--replication-factor",
                "1");
    }

    @Override
    public int badUsage(CommandLine.ParameterException e) {
        return Usage.report(session, e, PerfCommand.KAFKA_USAGE, 1);
    }

    @Override
    public Integer call() {
        if (help) {
            session.out().print(Eddy.text(PerfCommand.KAFKA_USAGE));
            return 0;
        }
        Plan plan = Plan.of(quick, sizes, records, latencyRecords, noWarmUp ? Optional.of("0") : warmUpRounds);
        props = producerProps(producerProps);
        session.builds().ensureBuilt(rebuild, Module.SERVER, Module.STANDINS, Module.BENCH);
        PerfOutput.Run run = PerfOutput.Run.start(
                session,
                outDir.map(Path::of)
                        .orElse(session.layout().dir(Module.Dir.BENCH).resolve("target/perf-kafka")),
                "eddy-*.txt",
                "kafka-*.txt",
                "profile-*.txt",
                "*.jfr");
        Path out = run.out();
        Path logs = run.logs();
        Path work = run.work();
        List<String> tool = KafkaBroker.toolCommand(session, PerfOutput.mkdirs(work.resolve("tools")));
        List<String> results = new ArrayList<>();

        Stack stack = new Stack(session);
        Stack.Standins standins = stack.startStandins(PerfOutput.mkdirs(work.resolve("standins")), logs);
        int port = session.probes().freePort();
        session.say("starting the Eddy server on port " + port + " (linger 5 ms), its Kafka listener on a free port…");
        Path serverLog = logs.resolve("server.log");
        // consume from the memory tier, as the broker reads from the page cache: room for every record the run writes;
        // a classic group assigns to its first member at once, as the broker is configured (KafkaBroker); no
        // scheduled compaction pass (every 5 min, from 5 min after start) lands in some tool runs and not others
        List<String> jvm = new ArrayList<>(List.of(
                "-Deddy.produce.linger=5ms",
                "-Deddy.compactor.scheduled=false",
                "-Deddy.cache.max-bytes=" + plan.cacheBytes(physicalMemory()),
                "-Deddy.kafka.group-initial-rebalance-delay=0s"));
        Path jfr = out.resolve("server.jfr");
        if (profile) {
            jvm.add("-XX:FlightRecorderOptions=stackdepth=256");
            jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
        }
        Process server = stack.startServer(port, OptionalInt.of(0), serverLog, standins, jvm);
        String eddy = Stack.bootstrapServers(serverLog);
        Map<String, Long> eddyPids = new LinkedHashMap<>();
        eddyPids.put("server", server.pid());
        eddyPids.put("standins", standins.process().pid());
        measure(new Target("eddy", eddy, eddyPids), plan, tool, out, logs, results);
        session.children().stop(server);
        session.children().stop(standins.process());
        if (profile) {
            session.say("hottest methods of the Eddy server over every tool run (JFR: " + jfr + "):");
            new PerfTool(session).profile(jfr, out.resolve("profile-server.txt"));
        }

        if (!noKafka) {
            KafkaBroker broker = KafkaBroker.start(session, work, logs);
            measure(
                    new Target("kafka", "127.0.0.1:" + broker.port(), Map.of("broker", broker.pid())),
                    plan,
                    tool,
                    out,
                    logs,
                    results);
            broker.stop();
        }
        int status = run.report(session, new PerfTool(session), "kafka-report", results, "", "perf-kafka.json");
        if (status != 0) {
            session.say("a tool failed or a result is missing: see the output above and " + out);
        }
        return status;
    }

    /** A system the tools run against: its name, bootstrap address and the processes whose CPU counts. */
    private record Target(String system, String bootstrap, Map<String, Long> pids) {
        /** The process whose CPU the ratios compare: Eddy's server, or Kafka's broker. */
        String process() {
            return pids.containsKey("server") ? "server" : "broker";
        }

        long pid() {
            return pids.get(process());
        }
    }

    private void measure(Target target, Plan plan, List<String> tool, Path out, Path logs, List<String> results) {
        warmUp(target, plan, tool, logs);
        for (int size : plan.sizes()) {
            String topic = "perf-" + size;
            String latencyTopic = "latency-" + size;
            for (String t : List.of(topic, latencyTopic)) {
                if (runTool(tool, createTopicArgs(target.bootstrap(), t), logs.resolve("kafka-tools.log")) != 0) {
                    throw EddyExit.die("creating the topic " + t + " on " + target.system() + " failed (log: "
                            + logs.resolve("kafka-tools.log") + ")");
                }
            }
            long records = plan.records(size);
            session.say("on " + target.system() + ": ProducerPerformance, " + records + " records of " + size
                    + " B (first " + plan.warmupRecords(size) + " warm-up), acks=all, linger 5 ms"
                    + (props.isEmpty() ? "" : ", " + String.join(" ", props)) + "…");
            results.add(timed(
                    target,
                    tool,
                    KafkaBaseline.producePerformance(
                            target.bootstrap(), topic, records, plan.warmupRecords(size), size, props),
                    records,
                    out.resolve(target.system() + "-produce-" + size + ".txt"),
                    logs));
            session.say("on " + target.system() + ": ConsumerPerformance, " + records + " records of " + size + " B…");
            results.add(timed(
                    target,
                    tool,
                    consumeArgs(target.bootstrap(), topic, records),
                    records,
                    out.resolve(target.system() + "-consume-" + size + ".txt"),
                    logs));
            session.say("on " + target.system() + ": EndToEndLatency, " + plan.latencyRecords() + " records of " + size
                    + " B, acks=all…");
            results.add(timed(
                    target,
                    tool,
                    latencyArgs(target.bootstrap(), latencyTopic, plan.latencyRecords(), size),
                    plan.latencyRecords(),
                    out.resolve(target.system() + "-latency-" + size + ".txt"),
                    logs));
        }
    }

    /**
     * Rounds of ProducerPerformance, ConsumerPerformance and a short EndToEndLatency at every size, each on a topic of
     * its own, until the server's (or broker's) JIT compiler threads spent at most a twentieth of its CPU in a round
     * ({@link Cpu.Use#settled}) or the rounds run out: the CPU a JVM's just-in-time compiler spends on new code paths
     * is not the paths' cost. One produce and consume at the first size was not enough: a server warmed up so spent
     * 49 µs per 1 KiB record on ProducerPerformance, and 19 µs five runs later, its compiler threads 41% of its CPU in
     * between (docs/benchmarks.md, seventh run). The broker gets the same warm-up. Each round's figures are printed.
     */
    private void warmUp(Target target, Plan plan, List<String> tool, Path logs) {
        Path log = logs.resolve("kafka-tools.log");
        long pid = target.pid();
        Cpu cpu = session.cpu();
        int ticksPerSecond = Integer.parseInt(session.clockTicks());
        Map<Integer, Long> roundRecords = new LinkedHashMap<>();
        plan.sizes().forEach(size -> roundRecords.put(size, plan.warmUpRoundRecords(size)));
        for (int round = 1; round <= plan.warmUpRounds(); round++) {
            Cpu.Use before = cpu.use(pid);
            long records = 0;
            String counts = roundRecords.values().stream().map(String::valueOf).collect(Collectors.joining("/"));
            for (int size : plan.sizes()) {
                String topic = "warm-up-" + round + "-" + size;
                long n = roundRecords.get(size);
                records += n;
                warmUpStep(target, tool, createTopicArgs(target.bootstrap(), topic), log);
                long start = System.nanoTime();
                warmUpStep(
                        target,
                        tool,
                        KafkaBaseline.producePerformance(target.bootstrap(), topic, n, n / 5, size, props),
                        log);
                roundRecords.put(size, plan.nextWarmUpRoundRecords(size, n, (System.nanoTime() - start) / 1e9));
                warmUpStep(target, tool, consumeArgs(target.bootstrap(), topic, n), log);
                String latencyTopic = topic + "-latency";
                warmUpStep(target, tool, createTopicArgs(target.bootstrap(), latencyTopic), log);
                warmUpStep(
                        target,
                        tool,
                        latencyArgs(target.bootstrap(), latencyTopic, plan.warmUpLatencyRecords(), size),
                        log);
            }
            Cpu.Use used = cpu.use(pid).minus(before);
            session.say(String.format(
                    Locale.ROOT,
                    "on %s: warm-up round %d of at most %d (%s records at %s B produced and consumed, %d round trips"
                            + " each, not measured): %s %.1f µs per record (the round trips' CPU included), %s%% of it"
                            + " JIT compiler threads",
                    target.system(),
                    round,
                    plan.warmUpRounds(),
                    counts,
                    plan.sizes().stream().map(String::valueOf).collect(Collectors.joining("/")),
                    plan.warmUpLatencyRecords(),
                    target.process(),
                    used.ticks() * 1e6 / ticksPerSecond / records,
                    used.compilerPercent()));
            if (used.settled()) {
                return;
            }
        }
    }

    /** Runs one tool of a warm-up round to its end; a failure ends the benchmark. */
    private void warmUpStep(Target target, List<String> tool, List<String> args, Path log) {
        if (runTool(tool, args, log) != 0) {
            throw EddyExit.die("warming up " + target.system() + " failed (log: " + log + ")");
        }
    }

    /**
     * Runs a tool to its end, its output in {@code result} followed by the CPU seconds every process used meanwhile
     * ({@link Cpu#secondsLine}: the tool's from this process's waited-for children); returns the report's arguments.
     */
    private String timed(Target target, List<String> tool, List<String> args, long records, Path result, Path logs) {
        Cpu cpu = session.cpu();
        Map<String, Long> before = ticks(target);
        Cpu.MachineTicks machineBefore = cpu.machine();
        long start = System.nanoTime();
        int exit = session.children()
                .run(new ProcessBuilder(with(tool, args))
                        .redirectOutput(result.toFile())
                        .redirectError(ProcessBuilder.Redirect.appendTo(
                                logs.resolve("kafka-tools.log").toFile())));
        long wall = System.nanoTime() - start;
        Map<String, Long> after = ticks(target);
        Cpu.MachineTicks machineAfter = cpu.machine();
        if (exit != 0) {
            throw EddyExit.die(args.get(0) + " against " + target.system() + " failed (output: " + result + ", log: "
                    + logs.resolve("kafka-tools.log") + ")");
        }
        Map<String, Long> used = new LinkedHashMap<>();
        before.forEach((name, t) -> used.put(name, t < 0 || after.get(name) < 0 ? -1 : after.get(name) - t));
        long machine =
                machineBefore.busy() < 0 || machineAfter.busy() < 0 ? -1 : machineAfter.busy() - machineBefore.busy();
        String line = Cpu.secondsLine(records, wall, machine, used, Integer.parseInt(session.clockTicks()));
        KafkaBroker.write(result, Session.read(result) + line + "\n");
        List<String> lines = Session.read(result).lines().toList();
        lines.subList(Math.max(0, lines.size() - 3), lines.size()).forEach(session.err()::println);
        return "--run=" + result;
    }

    private Map<String, Long> ticks(Target target) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        target.pids().forEach((name, pid) -> ticks.put(name, session.cpu().processTicks(pid)));
        ticks.put("tool", session.cpu().waitedChildrenTicks());
        // part of the server's (or broker's) figure, not a process of its own: its JIT compiler threads
        ticks.put("jit", session.cpu().compilerTicks(target.pid()));
        return ticks;
    }

    /** The machine's memory in bytes (what the server's default heap is a quarter of). */
    private static long physicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    private int runTool(List<String> tool, List<String> args, Path log) {
        return session.children()
                .run(new ProcessBuilder(with(tool, args))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
    }

    private static List<String> with(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all;
    }
}
