package io.eddy.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./eddy perf floor}: the stand-ins' and the calling process's CPU per record (a PUT and a commit driven
 * straight at them, no server), measured by the perf tool's floor command, which takes every option.
 *
 * <p>One instance parses and runs once: not thread-safe.
 */
@Command(name = "floor")
final class PerfFloorCommand implements Callable<Integer> {
    @Parameters
    List<String> options = new ArrayList<>();

    private final Session session;

    PerfFloorCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        PerfTool perf = new PerfTool(session);
        if (options.contains("-h") || options.contains("--help")) {
            session.builds().ensureBuilt(false, Module.BENCH);
            perf.run(List.of("floor", "--help"));
            return 0;
        }
        session.builds().ensureBuilt(false, Module.STANDINS, Module.BENCH);
        Path work = session.scratch("eddy-floor.");
        Path logs = PerfOutput.mkdirs(work.resolve("logs"));
        Stack.Standins standins = new Stack(session).startStandins(PerfOutput.mkdirs(work.resolve("standins")), logs);
        List<String> args = new ArrayList<>(List.of(
                "floor",
                "--s3-endpoint",
                standins.s3Endpoint(),
                "--dynamodb-endpoint",
                standins.dynamoEndpoint(),
                "--pid",
                "standins=" + standins.process().pid(),
                "--clock-ticks",
                session.clockTicks()));
        args.addAll(options);
        int exit = perf.run(args);
        session.children().stop(standins.process());
        return exit;
    }
}
