package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.EmfPublisher;
import io.eddy.runtime.metrics.MetricsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
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

    @Test
    void readingTheAgeGaugeFromTheRegistryIsDemandForTheDemandWindow() {
        // given
        AtomicLong now = new AtomicLong(NOW);
        MeterRegistry registry = new SimpleMeterRegistry();
        GroupMeters meters = groupMeters(registry, now, false);
        assertThat(meters.wanted()).isFalse();

        // when: a reader of the registry (a scrape, on any path or port) reads the gauge
        double age = registry.get(GroupMeters.SAMPLE_AGE).gauge().value();

        // then
        assertThat(age).isNaN();
        assertThat(meters.wanted()).isTrue();
        now.addAndGet(GroupMeters.DEMAND_WINDOW.toMillis());
        assertThat(meters.wanted()).isTrue();
        now.incrementAndGet();
        assertThat(meters.wanted()).isFalse();
    }

    @Test
    void registeringOrLookingUpMetersIsNoDemand() {
        AtomicLong now = new AtomicLong(NOW);
        MeterRegistry registry = new SimpleMeterRegistry();
        GroupMeters meters = groupMeters(registry, now, false);

        // when: the gauge is found but not read, and other meters are read (as /v1/stats and the console do)
        assertThat(registry.find(GroupMeters.SAMPLE_AGE).gauge()).isNotNull();
        registry.find("eddy.lease.acquisitions").counters().forEach(c -> c.count());

        // then
        assertThat(meters.wanted()).isFalse();
    }

    @Test
    void withEmfOnTheGroupsAreSampledUnread() {
        GroupMeters meters = groupMeters(new SimpleMeterRegistry(), new AtomicLong(NOW), true);

        assertThat(meters.wanted()).isTrue();
    }

    @Test
    void theAgeIsTheTimeSinceTheLastCompletedSampleAndNaNBeforeTheFirst() {
        assertThat(GroupMeters.ageSeconds(GroupMeters.NEVER, NOW)).isNaN();
        assertThat(GroupMeters.ageSeconds(NOW - 1_500, NOW)).isEqualTo(1.5);
        assertThat(GroupMeters.ageSeconds(NOW + 10, NOW)).isZero();
    }

    /** The meters over {@code registry}, at the time {@code now} holds; no groups are sampled here. */
    private static GroupMeters groupMeters(MeterRegistry registry, AtomicLong now, boolean emf) {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        MetricsConfig config = new MetricsConfig() {
            @Override
            public int labelCap() {
                return 100;
            }

            @Override
            public boolean emf() {
                return emf;
            }

            @Override
            public Duration groupSampleInterval() {
                return INTERVAL;
            }
        };
        return new GroupMeters(
                null,
                null,
                new EddyMeters(registry, 100, clock),
                clock,
                new EmfPublisher(registry, clock, config, "test"),
                config);
    }
}
