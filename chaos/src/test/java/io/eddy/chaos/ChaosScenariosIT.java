package io.eddy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every scenario, briefly (the long version is {@code ./eddy chaos}): the packaged server as a child process behind
 * the fault proxies, the recorded workload, and the checker. Each scenario must have done real work (records acked,
 * read and committed, its faults actually injected) and broken none of Eddy's guarantees; duplicates of
 * non-idempotent producers are reported, not failed (Eddy does not promise otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosScenariosIT {
    private static final Duration SHORT = Duration.ofSeconds(Long.getLong("eddy.chaos.seconds", 10));
    private static final long SEED = Long.getLong("eddy.chaos.seed", 20_260_131L);

    private ChaosRunner runner;
    private final List<ChaosRunner.Result> results = new ArrayList<>();

    @BeforeAll
    void startStack() throws Exception {
        runner = ChaosRunner.start(Path.of("target", "chaos-it", "logs"));
    }

    @AfterAll
    void stopStack() {
        if (runner != null) {
            runner.close();
        }
        System.out.print(FaultMatrix.table(results));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Scenario.class)
    void scenarioKeepsEddysGuarantees(Scenario scenario) throws Exception {
        ChaosRunner.Result r = runner.run(scenario, SHORT, 40, SEED + scenario.ordinal());
        results.add(r);
        Checker.Verdict v = r.verdict();

        // the load did something worth checking
        assertThat(v.acked()).as("acked records").isGreaterThan(50);
        assertThat(v.reads()).as("records the group read").isGreaterThan(0);
        if (!scenario.plan().injectsNothing()) {
            assertThat(injected(r.s3Faults()) + injected(r.dynamoFaults()))
                    .as("faults injected")
                    .isGreaterThan(0);
        }
        if (scenario.topicChurn()) {
            assertThat(r.topicsCreated()).as("topics created").isGreaterThanOrEqualTo(2L * Workload.CHURNERS);
            assertThat(r.topicsDeleted()).as("topics deleted").isGreaterThanOrEqualTo(Workload.CHURNERS);
            assertThat(r.compactions()).as("passes with garbage collection").isGreaterThan(1);
            assertThat(r.partitionsPurged())
                    .as("partitions of deleted topics purged")
                    .isGreaterThan(0);
        }
        // and kept every guarantee
        assertThat(v.nonZero())
                .as("%s: %s", scenario.label(), FaultMatrix.faults(r))
                .doesNotContainKeys(
                        "lost",
                        "ack_mismatches",
                        "duplicated_idempotent",
                        "offsets_reused",
                        "offsets_skipped",
                        "order_violations",
                        "double_ownership",
                        "commits_backwards",
                        "phantom_reads",
                        "unread_below_commit");
        assertThat(v.violations()).isZero();
    }

    private static long injected(Map<String, Long> counts) {
        return counts.entrySet().stream()
                .filter(e -> !e.getKey().equals("pass"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }
}
