package io.eddy.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy chaos}: the chaos module's runner ({@code ChaosMain}) on its classes and classpath, built when stale;
 * the options are its own and checked there. Its results go to {@code chaos/target/chaos}.
 *
 * <p>One instance parses and runs once: not thread-safe.
 */
@Command(name = "chaos")
final class ChaosCommand implements Callable<Integer>, Usage {
    /** The AWS SDK's SLF4J has no binding here (nothing of it is worth printing); JUL prints one line each. */
    static final List<String> JVM = List.of(
            "-Xmx768m", "-Dslf4j.internal.verbosity=ERROR", "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%n");

    @Option(names = "--duration")
    Optional<String> duration = Optional.empty();

    @Option(names = "--scenarios")
    Optional<String> scenarios = Optional.empty();

    @Option(names = "--seed")
    Optional<String> seed = Optional.empty();

    @Option(names = "--rate")
    Optional<String> rate = Optional.empty();

    @Option(names = "--out-dir")
    Optional<String> outDir = Optional.empty();

    @Option(names = "--rebuild")
    boolean rebuild;

    @Option(names = {"-h", "--help"})
    boolean help;

    private final Session session;

    ChaosCommand(Session session) {
        this.session = session;
    }

    @Override
    public int badUsage(CommandLine.ParameterException e) {
        return Usage.report(session, e, Eddy.USAGE, 2);
    }

    /** The runner's arguments: the default output directory first, so a given --out-dir wins. */
    List<String> runnerArgs(Path defaultOutDir) {
        List<String> args = new ArrayList<>(List.of("--out-dir", defaultOutDir.toString()));
        duration.ifPresent(v -> args.addAll(List.of("--duration", v)));
        scenarios.ifPresent(v -> args.addAll(List.of("--scenarios", v)));
        seed.ifPresent(v -> args.addAll(List.of("--seed", v)));
        rate.ifPresent(v -> args.addAll(List.of("--rate", v)));
        outDir.ifPresent(v -> args.addAll(List.of("--out-dir", v)));
        return args;
    }

    @Override
    public Integer call() {
        if (help) {
            session.out().print(Eddy.text(Eddy.USAGE));
            return 0;
        }
        session.builds().ensureBuilt(rebuild, Module.SERVER, Module.CHAOS);
        Path results = PerfOutput.mkdirs(session.layout().dir(Module.Dir.CHAOS).resolve("target/chaos"));
        List<String> jvm = new ArrayList<>(JVM);
        jvm.add("-Deddy.server.jar=" + session.layout().serverJar());
        List<String> command = new ArrayList<>(session.javaMain(Module.CHAOS, "io.eddy.chaos.ChaosMain", jvm));
        command.addAll(runnerArgs(results));
        return session.children().run(new ProcessBuilder(command).inheritIO());
    }
}
