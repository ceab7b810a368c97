package io.eddy.command;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./eddy perf}: the benchmarks' usage; each benchmark is a subcommand. One instance parses and runs once: not thread-safe. */
@Command(name = "perf")
final class PerfCommand implements Callable<Integer>, Usage {
    static final String PRODUCE_USAGE = "perf-produce-usage.txt";
    static final String CONSUME_USAGE = "perf-consume-usage.txt";
    static final String KAFKA_USAGE = "perf-kafka-usage.txt";

    @Option(names = {"-h", "--help"})
    boolean help;

    private final Session session;

    PerfCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        session.out().print(Eddy.text(PRODUCE_USAGE));
        session.out().println();
        session.out().print(Eddy.text(CONSUME_USAGE));
        session.out().println();
        session.out().print(Eddy.text(KAFKA_USAGE));
        return 0;
    }

    @Override
    public int badUsage(CommandLine.ParameterException e) {
        session.err().print(Eddy.text(PRODUCE_USAGE));
        String what = e instanceof CommandLine.UnmatchedArgumentException u
                        && !u.getUnmatched().isEmpty()
                ? u.getUnmatched().get(0)
                : e.getMessage();
        session.say("unknown benchmark '" + what
                + "' (there are: produce, consume, kafka, floor, client-produce, client-consume)");
        return 1;
    }
}
