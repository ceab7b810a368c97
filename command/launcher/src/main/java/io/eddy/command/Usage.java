package io.eddy.command;

import picocli.CommandLine;

/** A command that says how it is used when its arguments are wrong, and with which exit code. */
interface Usage {
    /** Prints the usage and what was wrong on standard error; returns the exit code. */
    int badUsage(CommandLine.ParameterException e);

    /** The script's wording of a bad argument: {@code unknown option 'X'} or {@code --port needs a value}. */
    static String problem(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            return "unknown option '" + u.getUnmatched().get(0) + "'";
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof CommandLine.Model.OptionSpec o) {
            return o.longestName() + " needs a value";
        }
        return e.getMessage();
    }

    /** Whether the problem is a missing value, which the script reported with exit code 1 everywhere. */
    static boolean missingValue(CommandLine.ParameterException e) {
        return e instanceof CommandLine.MissingParameterException;
    }
}
