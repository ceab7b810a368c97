package io.eddy.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Entry point of {@code eddy perf}: one subcommand per workload. */
public final class Perf {

    /** A workload: runs against a live Eddy and prints its figures; returns the process exit code. */
    interface Command {
        int run(String[] args) throws Exception;
    }

    private Perf() {
    }

    static Map<String, Command> commands() {
        Map<String, Command> commands = new TreeMap<>();
        return commands;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Command> commands = commands();
        if (args.length == 0 || !commands.containsKey(args[0])) {
            System.err.println("usage: eddy perf <" + String.join("|", commands.keySet()) + "> [options]");
            System.exit(2);
        }
        System.exit(commands.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length)));
    }
}
