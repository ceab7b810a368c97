package io.eddy.command;

import picocli.CommandLine;

/** A command that says how it is used when its arguments are wrong, and with which exit code. */
interface Usage {
    /** Prints the usage and what was wrong on standard error; returns the exit code. */
    int badUsage(CommandLine.ParameterException e);

    /** The script's wording of a bad argument: {@code unknown option 'X'} or {@code --port needs a value}. */
    static String problem(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u
                && !u.getUnmatched().isEmpty()) {
            return "unknown option '" + u.getUnmatched().get(0) + "'";
        }
        if (e instanceof CommandLine.MissingParameterException m
                && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof CommandLine.Model.OptionSpec o) {
            return o.longestName() + " needs a value";
        }
        return e.getMessage();
    }

    /**
     * Says what was wrong as the script did: a missing value in one line with exit code 1 everywhere; anything else
     * after the usage (the {@code usage} resource), with {@code exitCode}.
     */
    static int report(Session session, CommandLine.ParameterException e, String usage, int exitCode) {
        if (e instanceof CommandLine.MissingParameterException) {
            session.say(problem(e));
            return 1;
        }
        session.err().print(Eddy.text(usage));
        session.say(problem(e));
        return exitCode;
    }
}
