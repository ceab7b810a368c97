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

    private Perf() {}

    static Map<String, Command> commands() {
        Map<String, Command> commands = new TreeMap<>();
        commands.put("consume", new ConsumeCommand());
        commands.put("consume-report", new ConsumeReportCommand());
        commands.put("produce", new ProduceCommand());
        commands.put("report", new ReportCommand());
        commands.put("floor", new FloorCommand());
        commands.put("kafka-report", new KafkaReportCommand());
        commands.put("profile", new ProfileCommand());
        return commands;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Command> commands = commands();
        if (args.length == 0 || !commands.containsKey(args[0])) {
            System.err.println("usage: eddy perf <" + String.join("|", commands.keySet()) + "> [options]");
            System.exit(2);
        }
        int code;
        try {
            code = commands.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException e) {
            System.err.println("perf " + args[0] + ": " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("perf " + args[0] + ": "
                    + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
            code = 1;
        }
        System.exit(code);
    }
}
