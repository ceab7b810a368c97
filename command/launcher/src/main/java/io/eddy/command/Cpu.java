package io.eddy.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time from Linux's {@code /proc}: the machine's busy and total clock ticks ({@code /proc/stat}) and one process's
 * user + system ticks ({@code /proc/PID/stat} fields 14 and 15). Where {@code /proc} is missing the figures are -1,
 * and the line between two marks is left out. Stateless, thread-safe.
 */
final class Cpu {
    /** Clock ticks of all CPUs: those not idle (idle and iowait left out) and all of them; -1 where unknown. */
    record MachineTicks(long busy, long total) {
        static final MachineTicks UNKNOWN = new MachineTicks(-1, -1);
    }

    /**
     * A mark for {@link #coresLine}: the machine's ticks, one process's ticks and the time.
     *
     * @param processTicks -1 when the process's stat could not be read
     */
    record Mark(MachineTicks machine, long processTicks, long nanoTime) {}

    /**
     * A process's CPU ticks and its JIT compiler threads' ({@link #compilerTicks}), since it started or, as the
     * difference of two, over a step; -1 where unknown.
     */
    record Use(long ticks, long compilerTicks) {
        /** A JVM has settled when its compiler threads took at most one part in this many of its CPU. */
        static final int SETTLED_PARTS = 20;

        Use minus(Use before) {
            return new Use(
                    ticks < 0 || before.ticks < 0 ? -1 : ticks - before.ticks,
                    compilerTicks < 0 || before.compilerTicks < 0 ? -1 : compilerTicks - before.compilerTicks);
        }

        /**
         * Whether a JVM has settled after a step in which it used this: its compiler threads took at most a
         * twentieth of its CPU (unknown: not settled). The CPU a just-in-time compiler spends on new code paths is
         * not the paths' cost, so a benchmark warms up until this holds. Pure.
         */
        boolean settled() {
            return compilerTicks >= 0 && ticks > 0 && compilerTicks * SETTLED_PARTS <= ticks;
        }

        /** {@link #settled} for a compiler share measured elsewhere (0 to 1; negative: unknown). Pure. */
        static boolean settled(double compilerShare) {
            return compilerShare >= 0 && compilerShare * SETTLED_PARTS <= 1;
        }

        /** The compiler threads' share of the CPU in percent, or "?" where unknown. */
        String compilerPercent() {
            return compilerTicks < 0 || ticks <= 0 ? "?" : String.valueOf(Math.round(compilerTicks * 100.0 / ticks));
        }
    }

    private final Path proc;

    /** @param proc {@code /proc}, or a directory laid out as it is */
    Cpu(Path proc) {
        this.proc = proc;
    }

    Mark mark(long pid) {
        return new Mark(machine(), processTicks(pid), System.nanoTime());
    }

    MachineTicks machine() {
        try {
            return machineTicks(Files.readString(proc.resolve("stat")));
        } catch (IOException e) {
            return MachineTicks.UNKNOWN;
        }
    }

    Use use(long pid) {
        return new Use(processTicks(pid), compilerTicks(pid));
    }

    long processTicks(long pid) {
        try {
            return processTicks(Files.readString(proc.resolve(pid + "/stat")));
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * User + system ticks of a JVM's just-in-time compiler threads ({@link #isCompilerThread}), from each thread's
     * {@code /proc/PID/task/TID/stat}; -1 where unknown. A thread that has ended is no longer counted, which HotSpot's
     * compiler threads do not while the JVM runs with one compiler thread of each kind (two cores).
     */
    long compilerTicks(long pid) {
        try (var tasks = Files.list(proc.resolve(pid + "/task"))) {
            long ticks = 0;
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                if (isCompilerThread(stat)) {
                    ticks += Math.max(0, processTicks(stat));
                }
            }
            return ticks;
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** Whether a {@code /proc/PID/task/TID/stat} is HotSpot's C1 or C2 compiler thread's (names cut at 15 chars). */
    static boolean isCompilerThread(String taskStat) {
        int open = taskStat.indexOf('(');
        String name = open < 0 ? "" : taskStat.substring(open + 1);
        return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
    }

    /**
     * User + system ticks of this process's children that it has waited for ({@code /proc/self/stat} fields 16 and
     * 17): a tool run in the foreground adds all of its CPU time here once it has ended; -1 where unknown.
     */
    long waitedChildrenTicks() {
        try {
            return childrenTicks(Files.readString(proc.resolve("self/stat")));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Fields 16 and 17 (cutime, cstime) of a {@code /proc/PID/stat}, counted after the command name's last ')'. */
    static long childrenTicks(String pidStat) {
        try {
            String[] f = pidStat.substring(pidStat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * {@code # cpu seconds: records R, wall W, machine M, NAME S, ...}: the CPU seconds each process (and the whole
     * machine, all cores) used while a tool handled {@code records} records in {@code wallNanos}, from clock-tick
     * differences; a process whose ticks are unknown (negative) is left out.
     */
    static String secondsLine(
            long records, long wallNanos, long machineBusyTicks, Map<String, Long> processTicks, int ticksPerSecond) {
        StringBuilder line = new StringBuilder(
                String.format(Locale.ROOT, "# cpu seconds: records %d, wall %.3f", records, wallNanos / 1e9));
        if (machineBusyTicks >= 0) {
            line.append(String.format(Locale.ROOT, ", machine %.2f", machineBusyTicks / (double) ticksPerSecond));
        }
        processTicks.forEach((name, ticks) -> {
            if (ticks >= 0) {
                line.append(String.format(Locale.ROOT, ", %s %.2f", name, ticks / (double) ticksPerSecond));
            }
        });
        return line.toString();
    }

    /** The {@code cpu } line of {@code /proc/stat}: user nice system idle iowait irq softirq steal. */
    static MachineTicks machineTicks(String procStat) {
        return procStat.lines()
                .filter(l -> l.startsWith("cpu "))
                .findFirst()
                .map(l -> {
                    String[] f = l.trim().split("\\s+");
                    long total = 0;
                    for (int i = 1; i <= 8 && i < f.length; i++) {
                        total += Long.parseLong(f[i]);
                    }
                    return new MachineTicks(total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total);
                })
                .orElse(MachineTicks.UNKNOWN);
    }

    /**
     * User + system ticks of {@code /proc/PID/stat}; the command name (field 2) is in parentheses and may hold spaces
     * and parentheses, so fields are counted after its last {@code ')'}.
     */
    static long processTicks(String pidStat) {
        try {
            String[] f = pidStat.substring(pidStat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * {@code # cpu cores: machine M, broker B} between two marks: the cores the machine and the process kept busy on
     * average. Empty where a figure is unknown or no time passed.
     */
    static Optional<String> coresLine(Mark before, Mark after, int clockTicksPerSecond, int cpus) {
        double seconds = (after.nanoTime() - before.nanoTime()) / 1e9;
        long total = after.machine().total() - before.machine().total();
        if (total <= 0 || seconds <= 0 || after.processTicks() < 0) {
            return Optional.empty();
        }
        double machine = (after.machine().busy() - before.machine().busy()) / (double) total * cpus;
        double process = (after.processTicks() - before.processTicks()) / (double) clockTicksPerSecond / seconds;
        return Optional.of(String.format(Locale.ROOT, "# cpu cores: machine %.2f, broker %.2f", machine, process));
    }
}
