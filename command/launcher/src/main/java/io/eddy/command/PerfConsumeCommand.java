package io.eddy.command;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy perf consume}: loads one topic per record size, reads every topic in full from each tier (s3, disk,
 * memory), each on a server started for it, then Kafka's ConsumerPerformance on the baseline broker; prints the perf
 * tool's report.
 *
 * <p>One instance parses and runs once: not thread-safe.
 */
@Command(name = "consume")
final class PerfConsumeCommand implements Callable<Integer>, Usage {
    @Option(names = "--quick")
    boolean quick;

    @Option(names = "--sizes")
    Optional<String> sizes = Optional.empty();

    @Option(names = "--mb")
    Optional<String> mb = Optional.empty();

    @Option(names = "--tiers")
    String tiers = "s3,disk,memory";

    @Option(names = "--rounds")
    Optional<String> rounds = Optional.empty();

    @Option(names = "--warm-up-reads")
    Optional<String> warmUpReads = Optional.empty();

    @Option(names = "--load-linger")
    Optional<String> loadLinger = Optional.empty();

    @Option(names = "--load-producers")
    Optional<String> loadProducers = Optional.empty();

    @Option(names = "--s3-recent-bytes")
    Optional<String> s3RecentBytes = Optional.empty();

    @Option(names = "--out-dir")
    Optional<String> outDir = Optional.empty();

    @Option(names = "--no-kafka")
    boolean noKafka;

    @Option(names = "--profile")
    boolean profile;

    @Option(names = "--rebuild")
    boolean rebuild;

    @Option(names = {"-h", "--help"})
    boolean help;

    private final Session session;
    /** The last measured read's window, for --profile's summary. */
    private Instant measuredFrom = Instant.EPOCH;

    private Instant measuredTo = Instant.EPOCH;
    private Path out;
    private Path logs;
    private int status;

    PerfConsumeCommand(Session session) {
        this.session = session;
    }

    /**
     * What one run reads: the options with their (quick) defaults, checked.
     *
     * @param rounds      how many times over the measured read reads every topic (Kafka's topic holds as many
     *                    times the records, read once): one read from memory takes about a second, too short a
     *                    window to measure
     * @param warmUpReads at most this many warm-up reads of a server (or broker) before its measured read; another
     *                    follows while its JIT compiler threads took more than a twentieth of its CPU in the last
     */
    record Plan(String sizes, int mb, String tiers, int rounds, int warmUpReads) {
        static Plan of(
                boolean quick,
                Optional<String> sizes,
                Optional<String> mb,
                String tiers,
                Optional<String> rounds,
                Optional<String> warmUpReads) {
            String s = sizes.orElse(quick ? "100" : "100,1024");
            String m = mb.orElse(quick ? "16" : "150");
            String r = rounds.orElse(quick ? "1" : "8");
            String w = warmUpReads.orElse(quick ? "1" : "20");
            if (!s.matches("[0-9]+(,[0-9]+)*")) {
                throw EddyExit.die("--sizes takes bytes separated by commas, not '" + s + "'");
            }
            if (!m.matches("[0-9]+") || m.matches("0+")) {
                throw EddyExit.die("--mb takes a whole number of MiB, not '" + m + "'");
            }
            if (!tiers.matches("(s3|disk|memory)(,(s3|disk|memory))*")) {
                throw EddyExit.die("--tiers takes s3, disk and/or memory, not '" + tiers + "'");
            }
            if (!r.matches("[1-9][0-9]{0,2}")) {
                throw EddyExit.die("--rounds takes a number of reads from 1 to 999, not '" + r + "'");
            }
            if (!w.matches("[1-9][0-9]{0,2}")) {
                throw EddyExit.die("--warm-up-reads takes a number of reads from 1 to 999, not '" + w + "'");
            }
            return new Plan(s, Integer.parseInt(m), tiers, Integer.parseInt(r), Integer.parseInt(w));
        }

        List<Integer> sizeList() {
            return Arrays.stream(sizes.split(",")).map(Integer::valueOf).toList();
        }

        boolean reads(String tier) {
            return ("," + tiers + ",").contains("," + tier + ",");
        }

        /** Room for every block of every topic, twice over (batch and segment overheads, read-ahead past an end). */
        long dataBytes() {
            return (long) mb * sizeList().size() * 1_048_576L * 2 + 268_435_456L;
        }
    }

    @Override
    public int badUsage(CommandLine.ParameterException e) {
        return Usage.report(session, e, PerfCommand.CONSUME_USAGE, 1);
    }

    @Override
    public Integer call() {
        if (help) {
            session.out().print(Eddy.text(PerfCommand.CONSUME_USAGE));
            return 0;
        }
        Plan plan = Plan.of(quick, sizes, mb, tiers, rounds, warmUpReads);
        List<String> loadOptions = new ArrayList<>();
        loadLinger.ifPresent(l -> {
            if (!l.matches("[0-9]+(ms|s)")) {
                throw EddyExit.die("--load-linger takes a duration such as 250ms, not '" + l + "'");
            }
            loadOptions.add("-Deddy.produce.linger=" + l);
        });
        String producers = loadProducers.orElse("16");
        if (!producers.matches("[1-9][0-9]{0,3}")) {
            throw EddyExit.die("--load-producers takes a number of producers from 1 to 9999, not '" + producers + "'");
        }
        List<String> s3Options = new ArrayList<>(List.of("-Deddy.cache.max-bytes=0"));
        s3RecentBytes.ifPresent(b -> {
            if (!b.matches("[0-9]+")) {
                throw EddyExit.die("--s3-recent-bytes takes a number of bytes, not '" + b + "'");
            }
            s3Options.add("-Deddy.cache.recent-bytes=" + b);
        });
        session.builds().ensureBuilt(rebuild, Module.SERVER, Module.STANDINS, Module.BENCH);
        PerfOutput.Run run = PerfOutput.Run.start(
                session,
                outDir.map(Path::of)
                        .orElse(session.layout().dir(Module.Dir.BENCH).resolve("target/perf-consume")),
                "eddy-*.json",
                "kafka-*.txt",
                "profile-*.txt",
                "*.jfr",
                "topics.json");
        out = run.out();
        logs = run.logs();
        status = 0;
        Path work = run.work();

        Stack stack = new Stack(session);
        PerfTool perf = new PerfTool(session);
        Stack.Standins standins = stack.startStandins(PerfOutput.mkdirs(work.resolve("standins")), logs);
        long dataBytes = plan.dataBytes();

        Server load = server(stack, standins, "load", loadOptions);
        session.say("loading " + plan.mb() + " MiB of values per record size (" + plan.sizes()
                + " B) through the binary produce API, " + producers + " producers…");
        if (perf.run(List.of(
                        "consume",
                        "load",
                        "--url",
                        load.url(),
                        "--sizes",
                        plan.sizes(),
                        "--mb",
                        String.valueOf(plan.mb()),
                        "--producers",
                        producers,
                        "--out",
                        out.resolve("topics.json").toString()))
                != 0) {
            throw EddyExit.die("loading the topics failed (server log: " + logs.resolve("server-load.log") + ")");
        }
        session.children().stop(load.process());

        List<String> measured = new ArrayList<>();
        // Every measured read follows warm-up reads on the same server until its JIT compiler has settled.
        if (plan.reads("s3")) {
            Server s3 = server(stack, standins, "s3", s3Options);
            warmUp(perf, s3, standins, "s3", "s3-warm-up", plan);
            read(perf, s3, standins, "s3", "measure", "s3-measure", plan.rounds());
            session.children().stop(s3.process());
            profileSummary(perf, "s3");
            measured.addAll(
                    List.of("--eddy", out.resolve("eddy-s3-measure.json").toString()));
        }
        if (plan.reads("disk")) {
            List<String> disk = List.of(
                    "-Deddy.cache.max-bytes=0",
                    "-Deddy.cache.disk-dir=" + work.resolve("disk-cache"),
                    "-Deddy.cache.disk-max-bytes=" + dataBytes);
            Server fill = server(stack, standins, "disk-fill", disk);
            read(perf, fill, standins, "disk", "warm-up", "disk-fill", 1);
            session.children().stop(fill.process());
            // a new process: nothing of the first read is left in memory but the OS's page cache
            Server measure = server(stack, standins, "disk", disk);
            warmUp(perf, measure, standins, "disk", "disk-warm-up", plan);
            read(perf, measure, standins, "disk", "measure", "disk-measure", plan.rounds());
            session.children().stop(measure.process());
            profileSummary(perf, "disk");
            measured.addAll(
                    List.of("--eddy", out.resolve("eddy-disk-measure.json").toString()));
        }
        if (plan.reads("memory")) {
            Server memory = server(stack, standins, "memory", List.of("-Deddy.cache.max-bytes=" + dataBytes));
            warmUp(perf, memory, standins, "memory", "memory-warm-up", plan);
            read(perf, memory, standins, "memory", "measure", "memory-measure", plan.rounds());
            session.children().stop(memory.process());
            profileSummary(perf, "memory");
            measured.addAll(
                    List.of("--eddy", out.resolve("eddy-memory-measure.json").toString()));
        }
        session.children().stop(standins.process());

        List<String> kafkaResults = new ArrayList<>();
        if (!noKafka) {
            kafka(work, plan, kafkaResults);
        }
        measured.addAll(kafkaResults);
        if (run.report(
                        session,
                        perf,
                        "consume-report",
                        measured,
                        "; " + plan.mb() + " MiB of values per topic",
                        "perf-consume.json")
                != 0) {
            status = 1;
        }
        if (status != 0) {
            session.say("some fetches failed or a result is missing: see the output above and " + out);
        }
        return status;
    }

    private record Server(Process process, int port) {
        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    /** A server for perf consume: the scheduled compactor off, so the layout the load wrote is the one every tier reads. */
    private Server server(Stack stack, Stack.Standins standins, String name, List<String> options) {
        List<String> jvm = new ArrayList<>(List.of("-Deddy.compactor.scheduled=false"));
        jvm.addAll(options);
        if (profile) {
            jvm.add("-XX:FlightRecorderOptions=stackdepth=256");
        }
        int port = session.probes().freePort();
        session.say("starting the Eddy server (" + name + ") on port " + port + "…");
        return new Server(stack.startServer(port, logs.resolve("server-" + name + ".log"), standins, jvm), port);
    }

    /**
     * Warm-up reads of every topic until the server's JIT compiler threads took at most a twentieth of its CPU within
     * one ({@link Cpu.Use#settled(double)} of its JSON's {@code jit_share}), at most {@link Plan#warmUpReads}; each
     * read's share printed. Each reads every topic {@link Plan#rounds} times over, as the measured read does: single
     * reads of a second each left the compiler at a fifth of the server's CPU after twenty of them. The first read
     * also fills the tier (memory, disk).
     */
    private void warmUp(PerfTool perf, Server server, Stack.Standins standins, String tier, String name, Plan plan) {
        if (profile) {
            // recording from the first warm-up read: started later, it makes the JIT compile again in the measured read
            jcmd(
                    server,
                    "JFR.start",
                    "name=perf-consume",
                    "settings=profile",
                    "filename=" + out.resolve("server-" + tier + ".jfr"));
        }
        for (int i = 1; i <= plan.warmUpReads(); i++) {
            read(perf, server, standins, tier, "warm-up", name, plan.rounds());
            double share = jitShare(Session.read(out.resolve("eddy-" + name + ".json")));
            session.say(String.format(
                    Locale.ROOT,
                    "%s tier: warm-up read %d of at most %d, %s of the server's CPU in its JIT compiler threads",
                    tier,
                    i,
                    plan.warmUpReads(),
                    share < 0 ? "?" : Math.round(share * 100) + "%"));
            if (Cpu.Use.settled(share)) {
                return;
            }
        }
    }

    /**
     * The {@code jit_share} a read's JSON reports (perf consume read: the server's compiler threads' share of its CPU
     * within the reads, not between them, when the reader's JVM starts and only the compiler works), -1 when missing.
     * Pure.
     */
    static double jitShare(String json) {
        Matcher m = JIT_SHARE.matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static final Pattern JIT_SHARE = Pattern.compile("\"jit_share\"\\s*:\\s*(-?[0-9.]+(?:[eE]-?[0-9]+)?)");

    /**
     * A full read of every loaded topic, {@code rounds} times over; results in eddy-NAME.json. --profile: the server
     * has been recorded since its first warm-up read ({@link #warmUp}); the recording stops after the measured read,
     * and the summary keeps the samples of the measured read's window ({@link #measuredFrom}, {@link #measuredTo}).
     */
    private void read(
            PerfTool perf, Server server, Stack.Standins standins, String tier, String pass, String name, int rounds) {
        session.say("reading every topic from the " + tier + " tier (" + pass
                + (rounds > 1 ? ", " + rounds + " times over" : "") + ")…");
        boolean record = profile && pass.equals("measure");
        Instant started = Instant.now();
        int exit = perf.run(List.of(
                "consume",
                "read",
                "--url",
                server.url(),
                "--topics",
                out.resolve("topics.json").toString(),
                "--tier",
                tier,
                "--pass",
                pass,
                "--rounds",
                String.valueOf(rounds),
                "--pid",
                "server=" + server.process().pid(),
                "--pid",
                "standins=" + standins.process().pid(),
                "--clock-ticks",
                session.clockTicks(),
                "--out",
                out.resolve("eddy-" + name + ".json").toString()));
        if (record) {
            measuredFrom = started;
            measuredTo = Instant.now();
            jcmd(server, "JFR.stop", "name=perf-consume");
        }
        if (exit > 1) {
            throw EddyExit.die(
                    "perf consume read failed (server log: " + logs.resolve("server-" + tier + ".log") + ")");
        }
        if (exit != 0) {
            status = 1;
        }
    }

    private void jcmd(Server server, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(server.process().pid())));
        command.addAll(List.of(args));
        Path log = logs.resolve("jcmd.log");
        if (session.children()
                        .run(new ProcessBuilder(command)
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())))
                != 0) {
            throw EddyExit.die("could not " + (args[0].equals("JFR.start") ? "start" : "stop")
                    + " JFR in the server (log: " + log + ")");
        }
    }

    private void profileSummary(PerfTool perf, String name) {
        if (profile) {
            Path jfr = out.resolve("server-" + name + ".jfr");
            session.say("hottest methods of the " + name + " server in its measured read (JFR: " + jfr + "):");
            perf.profile(jfr, out.resolve("profile-" + name + ".txt"), measuredFrom, measuredTo);
        }
    }

    private void kafka(Path work, Plan plan, List<String> results) {
        KafkaBroker broker = KafkaBroker.start(session, work, logs);
        for (int size : plan.sizeList()) {
            long records = KafkaBaseline.consumeRecords(plan.mb(), size) * plan.rounds();
            String topic = "consume-" + size;
            broker.createTopic(topic);
            session.say("Kafka baseline: loading " + records + " records of " + size
                    + " B with ProducerPerformance (acks=1, linger 5 ms)"
                    + (plan.rounds() > 1 ? ", " + plan.rounds() + " times what Eddy's topic holds" : "") + "…");
            Path loaded = out.resolve("kafka-load-" + size + ".txt");
            tool(
                    broker,
                    "ProducerPerformance",
                    topic,
                    records,
                    List.of(
                            "--record-size",
                            String.valueOf(size),
                            "--throughput",
                            "-1",
                            "--command-property",
                            "acks=1",
                            "linger.ms=5"),
                    loaded);
            warmUp(broker, topic, records, plan); // one read when the first size's settled it
            session.say("Kafka baseline: ConsumerPerformance, " + records + " records of " + size + " B…");
            Path result = out.resolve("kafka-consume-" + size + ".txt");
            Cpu.Mark before = broker.cpuMark();
            consumerPerformance(broker, topic, records, result);
            KafkaBaseline.appendCoresAndShowTail(session, broker, before, result);
            results.addAll(List.of("--kafka", size + "=" + result));
        }
        broker.stop();
    }

    /**
     * ConsumerPerformance reads of the topic until the broker's JIT compiler threads took at most a twentieth of its
     * CPU in one, at most {@link Plan#warmUpReads}: the broker is measured settled, as Eddy's server is.
     */
    private void warmUp(KafkaBroker broker, String topic, long records, Plan plan) {
        for (int i = 1; i <= plan.warmUpReads(); i++) {
            Cpu.Use before = session.cpu().use(broker.pid());
            consumerPerformance(broker, topic, records, out.resolve("kafka-consume-warm-up.txt"));
            Cpu.Use used = session.cpu().use(broker.pid()).minus(before);
            session.say(String.format(
                    Locale.ROOT,
                    "Kafka baseline: warm-up read %d of at most %d (%d records), %s%% of the broker's CPU in its JIT"
                            + " compiler threads",
                    i,
                    plan.warmUpReads(),
                    records,
                    used.compilerPercent()));
            if (used.settled()) {
                return;
            }
        }
    }

    private void consumerPerformance(KafkaBroker broker, String topic, long records, Path result) {
        tool(broker, "ConsumerPerformance", topic, records, List.of("--timeout", "60000"), result);
    }

    /**
     * Runs one of Kafka's perf tools ({@code org.apache.kafka.tools.NAME}) on {@code records} records of the topic, to
     * its end, its output in {@code output}.
     */
    private void tool(KafkaBroker broker, String name, String topic, long records, List<String> more, Path output) {
        List<String> args = new ArrayList<>(List.of(
                "org.apache.kafka.tools." + name,
                "--bootstrap-server",
                "127.0.0.1:" + broker.port(),
                "--topic",
                topic,
                "--num-records",
                String.valueOf(records)));
        args.addAll(more);
        if (broker.runTool(args, ProcessBuilder.Redirect.to(output.toFile()), false) != 0) {
            throw EddyExit.die(name + " failed (output: " + output + ", log: " + logs.resolve("kafka-tools.log") + ")");
        }
    }
}
