package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GroupMetersTest {
    private static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final long NOW = 1_000_000_000L;

    @Test
    void aServerNobodyScrapesDoesNotSampleItsGroups() {
        assertThat(GroupMeters.wanted(false, GroupMeters.NEVER, NOW, INTERVAL)).isFalse();
    }

    @Test
    void aScrapeKeepsTheGroupsSampledForTheDemandWindow() {
        long window = GroupMeters.DEMAND_WINDOW.toMillis();
        assertThat(GroupMeters.wanted(false, NOW, NOW, INTERVAL)).isTrue();
        assertThat(GroupMeters.wanted(false, NOW - window, NOW, INTERVAL)).isTrue();
        assertThat(GroupMeters.wanted(false, NOW - window - 1, NOW, INTERVAL)).isFalse();
    }

    @Test
    void theWindowIsAtLeastFourSampleIntervals() {
        Duration slow = Duration.ofMinutes(10);
        assertThat(GroupMeters.wanted(false, NOW - Duration.ofMinutes(39).toMillis(), NOW, slow))
                .isTrue();
        assertThat(GroupMeters.wanted(false, NOW - Duration.ofMinutes(41).toMillis(), NOW, slow))
                .isFalse();
    }

    @Test
    void withEmfEverySampleIsPublishedSoItAlwaysRuns() {
        assertThat(GroupMeters.wanted(true, GroupMeters.NEVER, NOW, INTERVAL)).isTrue();
    }
}
