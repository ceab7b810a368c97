package io.eddy.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./eddy help}: the usage, as {@code ./eddy --help}. One instance parses and runs once: not thread-safe. */
@Command(name = "help", hidden = true)
final class HelpCommand implements Callable<Integer> {
    private final Session session;

    HelpCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        session.out().print(Eddy.text(Eddy.USAGE));
        return 0;
    }
}
