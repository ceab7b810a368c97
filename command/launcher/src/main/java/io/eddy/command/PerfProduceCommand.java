package io.eddy.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy perf produce}: starts the stand-ins, then per linger an Eddy server driven by the perf tool's
 * producers, then the Kafka baseline, and prints the perf tool's report (ratios Eddy/Kafka).
 *
 * <p>One instance parses and runs once: not thread-safe.
 */
@Command(name = "produce")
final class PerfProduceCommand implements Callable<Integer>, Usage {
    @Option(names = "--quick")
    boolean quick;

    @Option(names = "--lingers")
    Optional<String> lingers = Optional.empty();

    @Option(names = "--flushes-in-flight")
    Optional<String> flushesInFlight = Optional.empty();

    @Option(names = "--sizes")
    Optional<String> sizes = Optional.empty();

    @Option(names = "--acks")
    Optional<String> acks = Optional.empty();

    @Option(names = "--producers")
    Optional<String> producers = Optional.empty();

    @Option(names = "--warmup")
    Optional<String> warmup = Optional.empty();

    @Option(names = "--warm-up-windows")
    Optional<String> warmUpWindows = Optional.empty();

    @Option(names = "--duration")
    Optional<String> duration = Optional.empty();

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

    PerfProduceCommand(Session session) {
        this.session = session;
    }

    /**
     * What one run measures: the options with their defaults, the quick ones where {@code --quick} and the option was
     * not given, checked.
     */
    record Plan(
            List<Integer> lingers,
            String sizes,
            String acks,
            String producers,
            int warmupSeconds,
            int warmUpWindows,
            int durationSeconds) {
        static Plan of(
                boolean quick,
                Optional<String> lingers,
                Optional<String> sizes,
                Optional<String> acks,
                Optional<String> producers,
                Optional<String> warmup,
                Optional<String> warmUpWindows,
                Optional<String> duration) {
            String l = lingers.orElse(quick ? "5" : "0,5,50");
            String s = sizes.orElse(quick ? "100" : "100,1024");
            String a = acks.orElse(quick ? "all" : "1,all");
            String w = warmup.orElse(quick ? "2s" : "5s");
            String windows = warmUpWindows.orElse(quick ? "1" : "48");
            String d = duration.orElse(quick ? "5s" : "20s");
            if (!l.matches("[0-9]+(,[0-9]+)*")) {
                throw EddyExit.die("--lingers takes milliseconds separated by commas, not '" + l + "'");
            }
            if (!s.matches("[0-9]+(,[0-9]+)*")) {
                throw EddyExit.die("--sizes takes bytes separated by commas, not '" + s + "'");
            }
            if (!d.matches("[0-9]+s")) {
                throw EddyExit.die("--duration takes whole seconds such as 20s, not '" + d + "'");
            }
            if (!w.matches("[0-9]+s")) {
                throw EddyExit.die("--warmup takes whole seconds such as 5s, not '" + w + "'");
            }
            if (!windows.matches("[1-9][0-9]?")) {
                throw EddyExit.die("--warm-up-windows takes a number of windows from 1 to 99, not '" + windows + "'");
            }
            return new Plan(
                    Arrays.stream(l.split(",")).map(Integer::valueOf).toList(),
                    s,
                    a,
                    producers.orElse("16"),
                    Integer.parseInt(w.substring(0, w.length() - 1)),
                    Integer.parseInt(windows),
                    Integer.parseInt(d.substring(0, d.length() - 1)));
        }

        List<Integer> sizeList() {
            return Arrays.stream(sizes.split(",")).map(Integer::valueOf).toList();
        }
    }

    @Override
    public int badUsage(CommandLine.ParameterException e) {
        return Usage.report(session, e, PerfCommand.PRODUCE_USAGE, 1);
    }

    @Override
    public Integer call() {
        if (help) {
            session.out().print(Eddy.text(PerfCommand.PRODUCE_USAGE));
            return 0;
        }
        Plan plan = Plan.of(quick, lingers, sizes, acks, producers, warmup, warmUpWindows, duration);
        session.builds().ensureBuilt(rebuild, Module.SERVER, Module.STANDINS, Module.BENCH);
        PerfOutput.Run run = PerfOutput.Run.start(
                session,
                outDir.map(Path::of)
                        .orElse(session.layout().dir(Module.Dir.BENCH).resolve("target/perf-produce")),
                "eddy-linger-*.json",
                "kafka-*.txt",
                "profile-*.txt",
                "*.jfr");
        Path out = run.out();
        Path logs = run.logs();
        Path work = run.work();

        Stack stack = new Stack(session);
        PerfTool perf = new PerfTool(session);
        Stack.Standins standins = stack.startStandins(PerfOutput.mkdirs(work.resolve("standins")), logs);
        String ticks = session.clockTicks();
        int status = 0;
        List<String> eddyResults = new ArrayList<>();
        String depths = flushesInFlight.orElse("4");
        if (!depths.matches("[1-9][0-9]*(,[1-9][0-9]*)*")) {
            throw EddyExit.die("--flushes-in-flight takes counts from 1 separated by commas, not '" + depths + "'");
        }
        List<int[]> servers = new ArrayList<>();
        for (int linger : plan.lingers()) {
            for (String depth : depths.split(",")) {
                servers.add(new int[] {linger, Integer.parseInt(depth)});
            }
        }
        for (int[] config : servers) {
            int linger = config[0];
            int depth = config[1];
            int port = session.probes().freePort();
            String name = "linger-" + linger + "ms" + (depths.contains(",") ? "-" + depth + "-in-flight" : "");
            // perf produce's topics name a replica bucket (acks=all): it must be one of the deployment's buckets
            List<String> jvm = new ArrayList<>(List.of(
                    "-Deddy.produce.linger=" + linger + "ms",
                    "-Deddy.produce.flushes-in-flight=" + depth,
                    "-Deddy.storage.buckets=eddy-segments,eddy-perf-replica"));
            Path jfr = out.resolve("server-" + name + ".jfr");
            if (profile) {
                jvm.add("-XX:FlightRecorderOptions=stackdepth=256");
                jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
            }
            session.say("starting the Eddy server on port " + port + " with linger " + linger + " ms, " + depth
                    + " flushes in flight…");
            Path serverLog = logs.resolve("server-" + name + ".log");
            Process server = stack.startServer(port, serverLog, standins, jvm);
            Path result = out.resolve("eddy-" + name + ".json");
            int exit = perf.run(List.of(
                    "produce",
                    "--url",
                    "http://127.0.0.1:" + port,
                    "--linger-ms",
                    String.valueOf(linger),
                    "--flushes-in-flight",
                    String.valueOf(depth),
                    "--sizes",
                    plan.sizes(),
                    "--acks",
                    plan.acks(),
                    "--producers",
                    plan.producers(),
                    "--warmup",
                    plan.warmupSeconds() + "s",
                    "--warmup-windows",
                    String.valueOf(plan.warmUpWindows()),
                    "--duration",
                    plan.durationSeconds() + "s",
                    "--s3-endpoint",
                    standins.s3Endpoint(),
                    "--pid",
                    "server=" + server.pid(),
                    "--pid",
                    "standins=" + standins.process().pid(),
                    "--clock-ticks",
                    ticks,
                    "--out",
                    result.toString()));
            status = exit != 0 ? exit : status;
            session.children().stop(server);
            if (status > 1) {
                throw EddyExit.die("perf produce failed (server log: " + serverLog + ")");
            }
            if (PerfOutput.nonEmpty(result)) {
                eddyResults.addAll(List.of("--eddy", result.toString()));
            }
            if (profile) {
                session.say("hottest methods of the server at linger " + linger + " ms (JFR: " + jfr + "):");
                perf.profile(jfr, out.resolve("profile-" + name + ".txt"));
            }
        }
        session.children().stop(standins.process());

        List<String> kafkaResults = new ArrayList<>();
        if (!noKafka) {
            KafkaBaseline.produce(
                    session, work, out, logs, plan.warmupSeconds(), plan.durationSeconds(), plan.sizeList());
            for (int size : plan.sizeList()) {
                kafkaResults.addAll(List.of("--kafka", size + "=" + out.resolve("kafka-" + size + ".txt")));
            }
        }
        eddyResults.addAll(kafkaResults);
        if (run.report(session, perf, "report", eddyResults, "", "perf-produce.json") != 0) {
            status = 1;
        }
        if (status != 0) {
            session.say("some requests failed or a result is missing: see the output above and " + out);
        }
        return status;
    }
}
