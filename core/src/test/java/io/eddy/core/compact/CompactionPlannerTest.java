package io.eddy.core.compact;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.model.TopicConfig;
import io.eddy.core.model.TopicName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The compaction planner as a pure function of entries, config and time. */
class CompactionPlannerTest {
    static final CompactionPolicy POLICY = new CompactionPolicy(
            1_000, 4, 100_000, 0.5, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(5));
    static final Instant NOW = Instant.ofEpochMilli(10_000_000);
    private final CompactionPlanner planner = new CompactionPlanner();

    static Topic topic(Map<String, ?> config) {
        return new Topic(
                new TopicName("t"),
                UUID.randomUUID(),
                1,
                TopicConfig.defaults("bucket").with(config),
                Instant.EPOCH);
    }

    /** One object per entry, each of {@code sizes[i]} bytes and 10 records, timestamps ascending to NOW. */
    static List<IndexEntry> entries(long... sizes) {
        List<IndexEntry> out = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            out.add(new IndexEntry(
                    i * 10L,
                    i * 10L + 9,
                    "segments/" + i,
                    0,
                    (int) sizes[i],
                    NOW.toEpochMilli() - (sizes.length - i) * 1_000L,
                    0,
                    List.of("bucket")));
        }
        return out;
    }

    static PartitionLog log(Topic topic, List<IndexEntry> entries) {
        long next = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).lastOffset() + 1;
        return new PartitionLog(topic, 0, new PartitionHead(0, next, 0, true, null), entries);
    }

    @Test
    void tiersGrowByTheFanoutUpToTheLargestObject() {
        assertThat(POLICY.tierOf(0)).isZero();
        assertThat(POLICY.tierOf(999)).isZero();
        assertThat(POLICY.tierOf(1_000)).isEqualTo(1);
        assertThat(POLICY.tierOf(3_999)).isEqualTo(1);
        assertThat(POLICY.tierOf(4_000)).isEqualTo(2);
        assertThat(POLICY.tierOf(99_999)).isEqualTo(4);
        assertThat(POLICY.tierOf(100_000)).as("never merged").isEqualTo(-1);
    }

    @Test
    void fanoutAdjacentUnitsOfOneTierMergeAndFewerWait() {
        CompactionPlan plan =
                planner.plan(log(topic(Map.of()), entries(100, 100, 100, 100, 100, 100, 2_000, 100)), POLICY, NOW);

        assertThat(plan.merges()).hasSize(1);
        assertThat(plan.merges().get(0).sources())
                .extracting(IndexEntry::baseOffset)
                .containsExactly(0L, 10L, 20L, 30L);
        assertThat(plan.merges().get(0).tier()).isZero();
        assertThat(plan.retention()).isEmpty();
    }

    @Test
    void entriesOfOneObjectAreOneUnitAndAreNeverMergedWithThemselves() {
        List<IndexEntry> sameObject = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sameObject.add(new IndexEntry(
                    i * 10L, i * 10L + 9, "partitions/x", i * 100L, 100, NOW.toEpochMilli(), 0, List.of("bucket")));
        }
        assertThat(planner.plan(log(topic(Map.of()), sameObject), POLICY, NOW).merges())
                .isEmpty();
    }

    @Test
    void aMergeStopsShortOfTheLargestObject() {
        CompactionPlan plan = planner.plan(log(topic(Map.of()), entries(30_000, 30_000, 30_000, 30_000)), POLICY, NOW);

        assertThat(plan.merges()).hasSize(1);
        assertThat(plan.merges().get(0).bytes()).isLessThan(POLICY.maxObjectBytes());
        assertThat(plan.merges().get(0).sources()).hasSize(3);
    }

    @Test
    void retentionByTimeDropsTheOldPrefixWhole() {
        // newest records: NOW-5s .. NOW-1s; retention 2.5 s keeps the last two
        CompactionPlan plan =
                planner.plan(log(topic(Map.of("retention.ms", 2_500)), entries(10, 10, 10, 10, 10)), POLICY, NOW);

        assertThat(plan.retention()).hasValueSatisfying(r -> {
            assertThat(r.logStartOffset()).isEqualTo(30);
            assertThat(r.dropped()).extracting(IndexEntry::baseOffset).containsExactly(0L, 10L, 20L);
            assertThat(r.reason()).isEqualTo("retention.ms");
        });
    }

    @Test
    void retentionByBytesKeepsAtLeastTheLimit() {
        CompactionPlan plan = planner.plan(
                log(topic(Map.of("retention.ms", -1, "retention.bytes", 250)), entries(100, 100, 100, 100)),
                POLICY,
                NOW);

        assertThat(plan.retention()).hasValueSatisfying(r -> {
            assertThat(r.dropped()).hasSize(1);
            assertThat(r.logStartOffset()).isEqualTo(10);
        });
        assertThat(planner.plan(log(topic(Map.of("retention.ms", -1)), entries(100, 100)), POLICY, NOW)
                        .retention())
                .as("forever and unbounded")
                .isEmpty();
    }

    @Test
    void keyCompactionWaitsForTheDirtyRatioAndNeverTouchesTheNewestObject() {
        Topic compacted = topic(Map.of("cleanup.policy", "compact"));
        CompactionPlan plan = planner.plan(log(compacted, entries(100, 100, 100)), POLICY, NOW);

        assertThat(plan.merges()).isEmpty();
        assertThat(plan.retention()).isEmpty();
        assertThat(plan.compaction()).hasValueSatisfying(k -> {
            assertThat(k.cleanable()).extracting(IndexEntry::baseOffset).containsExactly(0L, 10L);
            assertThat(k.active()).extracting(IndexEntry::baseOffset).containsExactly(20L);
            assertThat(k.nowMs()).isEqualTo(NOW.toEpochMilli());
            assertThat(k.deleteRetentionMs()).isEqualTo(TopicConfig.DEFAULT_DELETE_RETENTION_MS);
        });

        List<IndexEntry> mostlyClean = new ArrayList<>();
        mostlyClean.add(new IndexEntry(0, 9, "partitions/clean", 0, 300, 1, 0, List.of("bucket")));
        mostlyClean.add(new IndexEntry(10, 19, "segments/new", 0, 100, 1, 0, List.of("bucket")));
        mostlyClean.add(new IndexEntry(20, 29, "segments/newest", 0, 100, 1, 0, List.of("bucket")));
        assertThat(planner.plan(log(compacted, mostlyClean), POLICY, NOW).compaction())
                .as("25% dirty")
                .isEmpty();
    }

    /**
     * Issue 14 item 2: what key compaction leaves of a fully superseded run is a gap entry; it holds nothing, so it
     * is neither dirty nor clean and a log of a gap and the newest object needs no further pass.
     */
    @Test
    void aGapLeftByKeyCompactionIsNeitherDirtyNorCleanAndIsCleanedWithItsNeighbours() {
        Topic compacted = topic(Map.of("cleanup.policy", "compact"));
        IndexEntry gap = IndexEntry.gap(0, 84, List.of("bucket"));
        IndexEntry newest = new IndexEntry(85, 89, "segments/newest", 0, 400, 1, 0, List.of("bucket"));
        assertThat(gap.isGap()).isTrue();
        assertThat(gap.recordCount()).isEqualTo(85);

        assertThat(planner.plan(log(compacted, List.of(gap, newest)), POLICY, NOW)
                        .isEmpty())
                .as("a snapshot after its pass: nothing to do")
                .isTrue();

        IndexEntry dirty = new IndexEntry(85, 89, "segments/dirty", 0, 400, 1, 0, List.of("bucket"));
        IndexEntry active = new IndexEntry(90, 94, "segments/active", 0, 400, 1, 0, List.of("bucket"));
        CompactionPlan next = planner.plan(log(compacted, List.of(gap, dirty, active)), POLICY, NOW);
        assertThat(next.compaction()).hasValueSatisfying(k -> {
            assertThat(k.cleanable()).containsExactly(gap, dirty);
            assertThat(k.dirtyRatio()).as("the gap has no bytes").isEqualTo(1.0);
        });
    }

    @Test
    void aGapIsNeverPartOfAMergeNorBlocksRetention() {
        List<IndexEntry> entries = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            entries.add(
                    i == 4
                            ? IndexEntry.gap(40, 49, List.of("bucket"))
                            : new IndexEntry(
                                    i * 10L,
                                    i * 10L + 9,
                                    "segments/" + i,
                                    0,
                                    100,
                                    NOW.toEpochMilli(),
                                    0,
                                    List.of("bucket")));
        }
        CompactionPlan plan = planner.plan(log(topic(Map.of("retention.ms", -1)), entries), POLICY, NOW);
        assertThat(plan.merges())
                .extracting(
                        m -> m.sources().stream().map(IndexEntry::baseOffset).toList())
                .containsExactly(List.of(0L, 10L, 20L, 30L), List.of(50L, 60L, 70L, 80L));

        List<IndexEntry> gapFirst = List.of(
                IndexEntry.gap(0, 9, List.of("bucket")),
                new IndexEntry(10, 19, "segments/new", 0, 100, NOW.toEpochMilli(), 0, List.of("bucket")));
        assertThat(planner.plan(log(topic(Map.of("retention.ms", 60_000)), gapFirst), POLICY, NOW)
                        .retention())
                .as("a gap at the front has no timestamp: retention drops it")
                .hasValueSatisfying(r -> assertThat(r.logStartOffset()).isEqualTo(10));
    }

    /** Whatever the sizes: merges take adjacent units in order, each unit once, of one tier, below the cap. */
    @Property(tries = 500)
    void mergesAreAdjacentDisjointSameTierAndBelowTheCap(
            @ForAll @Size(max = 60) List<@IntRange(min = 1, max = 60_000) Integer> sizes) {
        List<IndexEntry> entries =
                entries(sizes.stream().mapToLong(Integer::longValue).toArray());

        List<CompactionPlan.Merge> merges = CompactionPlanner.merges(entries, POLICY);

        Set<Long> used = new HashSet<>();
        for (CompactionPlan.Merge m : merges) {
            assertThat(m.bytes()).isLessThan(POLICY.maxObjectBytes());
            assertThat(m.sources().size()).isBetween(2, POLICY.fanout());
            for (int i = 1; i < m.sources().size(); i++) {
                assertThat(m.sources().get(i).baseOffset())
                        .isEqualTo(m.sources().get(i - 1).lastOffset() + 1);
            }
            assertThat(m.sources())
                    .allSatisfy(e -> assertThat(POLICY.tierOf(e.length())).isEqualTo(m.tier()));
            m.sources().forEach(e -> assertThat(used.add(e.baseOffset())).isTrue());
        }
    }
}
