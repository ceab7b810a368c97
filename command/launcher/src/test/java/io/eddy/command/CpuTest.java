package io.eddy.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTest {
    private static final String PROC_STAT = """
            cpu  100 5 50 1000 20 3 2 1 0 0
            cpu0 50 2 25 500 10 1 1 0 0 0
            intr 12345
            """;

    @Test
    void machineTicksAreTheFirstEightFieldsAndBusyLeavesOutIdleAndIowait() {
        assertThat(Cpu.machineTicks(PROC_STAT)).isEqualTo(new Cpu.MachineTicks(161, 1181));
    }

    @Test
    void machineTicksAreUnknownWithoutACpuLine() {
        assertThat(Cpu.machineTicks("intr 1\n")).isEqualTo(Cpu.MachineTicks.UNKNOWN);
    }

    @Test
    void processTicksAreUserPlusSystemCountedAfterTheCommandName() {
        String stat = "4242 (java (kafka) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 700 55 0 0 20 0 40 0 123 0 0";

        assertThat(Cpu.processTicks(stat)).isEqualTo(755);
    }

    @Test
    void waitedChildrenTicksAreCutimePlusCstimeCountedAfterTheCommandName() {
        String stat = "4242 (java (kafka) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 700 55 300 45 20 0 40 0 123 0 0";

        assertThat(Cpu.childrenTicks(stat)).isEqualTo(345);
        assertThat(Cpu.childrenTicks("1 (x) S 1")).isEqualTo(-1);
    }

    @Test
    void theSecondsLineSaysEachProcessesCpuSecondsAndLeavesOutTheUnknown() {
        java.util.Map<String, Long> ticks = new java.util.LinkedHashMap<>();
        ticks.put("server", 310L);
        ticks.put("standins", -1L);
        ticks.put("tool", 250L);

        assertThat(Cpu.secondsLine(300_000, 4_210_000_000L, 790, ticks, 100))
                .isEqualTo("# cpu seconds: records 300000, wall 4.210, machine 7.90, server 3.10, tool 2.50");
        assertThat(Cpu.secondsLine(5, 1_000_000_000L, -1, java.util.Map.of(), 100))
                .isEqualTo("# cpu seconds: records 5, wall 1.000");
    }

    @Test
    void processTicksAreUnknownForAShortLine() {
        assertThat(Cpu.processTicks("1 (x) S 1")).isEqualTo(-1);
    }

    @Test
    void aProcDirectoryIsReadByPid(@TempDir Path proc) throws IOException {
        Files.writeString(proc.resolve("stat"), PROC_STAT);
        Files.createDirectories(proc.resolve("7"));
        Files.writeString(proc.resolve("7/stat"), "7 (sh) S 1 7 7 0 -1 0 0 0 0 0 3 4 0 0");
        Cpu cpu = new Cpu(proc);

        assertThat(cpu.machine()).isEqualTo(new Cpu.MachineTicks(161, 1181));
        assertThat(cpu.processTicks(7)).isEqualTo(7);
        assertThat(cpu.processTicks(8)).isEqualTo(-1);
    }

    @Test
    void compilerTicksAddUpTheJitCompilerThreadsOfAProcess(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("7/task/7"));
        Files.createDirectories(proc.resolve("7/task/8"));
        Files.createDirectories(proc.resolve("7/task/9"));
        Files.createDirectories(proc.resolve("7/task/10"));
        Files.writeString(proc.resolve("7/task/7/stat"), "7 (java) S 1 7 7 0 -1 0 0 0 0 0 50 5 0 0");
        Files.writeString(proc.resolve("7/task/8/stat"), "8 (C2 CompilerThre) S 1 7 7 0 -1 0 0 0 0 0 30 2 0 0");
        Files.writeString(proc.resolve("7/task/9/stat"), "9 (C1 CompilerThre) S 1 7 7 0 -1 0 0 0 0 0 6 1 0 0");
        Files.writeString(proc.resolve("7/task/10/stat"), "10 (GC Thread#0) S 1 7 7 0 -1 0 0 0 0 0 9 0 0 0");
        Cpu cpu = new Cpu(proc);

        assertThat(cpu.compilerTicks(7)).isEqualTo(39);
        assertThat(cpu.compilerTicks(8)).isEqualTo(-1); // no such process
    }

    @Test
    void theCoresLineSaysTheMachinesAndTheBrokersBusyCores() {
        Cpu.Mark before = new Cpu.Mark(new Cpu.MachineTicks(1000, 4000), 100, 0);
        Cpu.Mark after = new Cpu.Mark(new Cpu.MachineTicks(1600, 5000), 250, 2_000_000_000L);

        // machine: 600 of 1000 ticks busy on 2 cpus; broker: 150 ticks at 100/s over 2 s
        assertThat(Cpu.coresLine(before, after, 100, 2)).contains("# cpu cores: machine 1.20, broker 0.75");
    }

    @Test
    void theCoresLineIsLeftOutWhenAFigureIsUnknownOrNoTimePassed() {
        Cpu.Mark known = new Cpu.Mark(new Cpu.MachineTicks(1000, 4000), 100, 0);
        Cpu.Mark later = new Cpu.Mark(new Cpu.MachineTicks(1600, 5000), 250, 1_000_000_000L);

        assertThat(Cpu.coresLine(known, new Cpu.Mark(later.machine(), -1, 1_000_000_000L), 100, 2))
                .isEmpty();
        assertThat(Cpu.coresLine(known, new Cpu.Mark(Cpu.MachineTicks.UNKNOWN, 250, 1_000_000_000L), 100, 2))
                .isEmpty();
        assertThat(Cpu.coresLine(known, new Cpu.Mark(later.machine(), 250, 0), 100, 2))
                .isEmpty();
    }

    @Test
    void aUseOverAStepIsTheDifferenceUnknownWhereEitherEndIs() {
        assertThat(new Cpu.Use(500, 120).minus(new Cpu.Use(100, 20))).isEqualTo(new Cpu.Use(400, 100));
        assertThat(new Cpu.Use(500, 120).minus(new Cpu.Use(100, -1))).isEqualTo(new Cpu.Use(400, -1));
        assertThat(new Cpu.Use(-1, 120).minus(new Cpu.Use(100, 20))).isEqualTo(new Cpu.Use(-1, 100));
        assertThat(new Cpu.Use(400, 100).compilerPercent()).isEqualTo("25");
        assertThat(new Cpu.Use(400, -1).compilerPercent()).isEqualTo("?");
        assertThat(new Cpu.Use(0, 0).compilerPercent()).isEqualTo("?");
    }
}
