package io.eddy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time used so far by named processes and by the whole machine, from Linux's {@code /proc}: the difference of
 * two samples says how many cores each process kept busy, and how busy the machine was with everything else.
 * Where {@code /proc} is missing (not Linux) the sample is empty and the figures are left out.
 *
 * @param ticks        per process name, user + system clock ticks ({@code /proc/<pid>/stat} fields 14 and 15)
 * @param machineBusy  clock ticks all CPUs spent not idle ({@code /proc/stat})
 * @param machineTotal all clock ticks of all CPUs
 */
record CpuSample(long nanoTime, Map<String, Long> ticks, long machineBusy, long machineTotal) {

    /** Cores per process as {@code name 0.85, other 0.20}, in the map's order. */
    static String describe(Map<String, Double> cores) {
        return describe(cores, ", ");
    }

    /** Cores per process, {@code name 0.85} each, joined by {@code separator}, in the map's order. */
    static String describe(Map<String, Double> cores, String separator) {
        StringBuilder out = new StringBuilder();
        cores.forEach((k, v) -> out.append(out.length() == 0 ? "" : separator)
                .append(k)
                .append(String.format(java.util.Locale.ROOT, " %.2f", v)));
        return out.toString();
    }

    /**
     * The entry that is a part of the server's (or broker's) figure, not a process of its own: its JIT compiler
     * threads (left out of "others"; a server whose compiler is still at work has that counted as its work). Also
     * the name of that item in perf kafka's {@code # cpu seconds} lines.
     */
    static final String JIT = "jit";

    static CpuSample take(Map<String, Long> pids) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            long t = processTicks(pid);
            if (t >= 0) {
                ticks.put(name, t);
            }
        });
        Long server = pids.get("server");
        if (server != null) {
            long t = compilerTicks(Path.of("/proc", String.valueOf(server), "task"));
            if (t >= 0) {
                ticks.put(JIT, t);
            }
        }
        long busy = -1;
        long total = -1;
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            busy = total - Long.parseLong(f[4]) - Long.parseLong(f[5]);
        } catch (IOException | RuntimeException e) {
            // not Linux: no machine figures
        }
        return new CpuSample(System.nanoTime(), ticks, busy, total);
    }

    /**
     * User + system ticks of HotSpot's C1 and C2 compiler threads among a process's {@code /proc/PID/task}
     * (thread names cut at 15 characters); -1 where unknown.
     */
    static long compilerTicks(Path tasks) {
        try (var list = Files.list(tasks)) {
            long sum = 0;
            for (Path task : list.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1);
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        sum += Math.max(0, ticksOf(stat));
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long processTicks(long pid) {
        try {
            return ticksOf(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException e) {
            return -1;
        }
    }

    /** User + system ticks of a {@code /proc/PID/stat} (or a task's); -1 for a line too short. */
    private static long ticksOf(String stat) {
        try {
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of the whole line
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Cores each process kept busy on average from {@code earlier} to this sample, plus "machine" and "others". */
    Map<String, Double> coresSince(CpuSample earlier, int clockTicksPerSecond) {
        Map<String, Double> out = new LinkedHashMap<>();
        double seconds = (nanoTime - earlier.nanoTime) / 1e9;
        if (seconds <= 0) {
            return out;
        }
        double ours = 0;
        for (Map.Entry<String, Long> e : ticks.entrySet()) {
            Long before = earlier.ticks.get(e.getKey());
            if (before != null) {
                double cores = (e.getValue() - before) / (double) clockTicksPerSecond / seconds;
                out.put(e.getKey(), cores);
                ours += e.getKey().equals(JIT) ? 0 : cores;
            }
        }
        if (machineTotal > 0 && earlier.machineTotal > 0 && machineTotal > earlier.machineTotal) {
            int cpus = Runtime.getRuntime().availableProcessors();
            double busyShare = (machineBusy - earlier.machineBusy) / (double) (machineTotal - earlier.machineTotal);
            out.put("machine", busyShare * cpus);
            out.put("others", Math.max(0, busyShare * cpus - ours));
        }
        return out;
    }
}
