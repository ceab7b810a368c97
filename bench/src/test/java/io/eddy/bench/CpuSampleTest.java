package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuSampleTest {
    @Test
    void compilerTicksAddUpTheJitCompilerThreadsOfAProcess(@TempDir Path tasks) throws IOException {
        thread(tasks, "7", "7 (java) S 1 7 7 0 -1 0 0 0 0 0 50 5 0 0");
        thread(tasks, "8", "8 (C2 CompilerThre) S 1 7 7 0 -1 0 0 0 0 0 30 2 0 0");
        thread(tasks, "9", "9 (C1 CompilerThre) S 1 7 7 0 -1 0 0 0 0 0 6 1 0 0");
        thread(tasks, "10", "10 (GC Thread#0) S 1 7 7 0 -1 0 0 0 0 0 9 0 0 0");

        assertThat(CpuSample.compilerTicks(tasks)).isEqualTo(39);
        assertThat(CpuSample.compilerTicks(tasks.resolve("none"))).isEqualTo(-1);
    }

    @Test
    void theServersJitIsShownButNotCountedAgainstOthers() {
        // 2 s, the machine half busy (of the cpus this JVM sees): "others" is its busy cores less server and tool
        int cpus = Runtime.getRuntime().availableProcessors();
        CpuSample before = new CpuSample(0, Map.of("server", 0L, "tool", 0L, CpuSample.JIT, 0L), 1, 1);
        CpuSample after = new CpuSample(
                2_000_000_000L,
                Map.of("server", 100L, "tool", 40L, CpuSample.JIT, 60L),
                1 + 100L * cpus,
                1 + 200L * cpus);

        Map<String, Double> cores = after.coresSince(before, 100);

        assertThat(cores.get("server")).isEqualTo(0.5);
        assertThat(cores.get(CpuSample.JIT)).isEqualTo(0.3);
        assertThat(cores.get("others")).isCloseTo(cpus / 2.0 - 0.7, within(1e-9));
    }

    private static void thread(Path tasks, String tid, String stat) throws IOException {
        Files.createDirectories(tasks.resolve(tid));
        Files.writeString(tasks.resolve(tid).resolve("stat"), stat);
    }
}
