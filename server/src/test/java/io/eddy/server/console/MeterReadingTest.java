package io.eddy.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.eddy.runtime.metrics.Api;
import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.RequestKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Against the registry the server really uses (Prometheus), with meters recorded as the edges record them. */
class MeterReadingTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EddyMeters meters = new EddyMeters(registry, 10);

    @Test
    void requestAndErrorRatesAreTheCountersGrowthPerSecond() {
        meters.request(RequestKind.PRODUCE, Api.HTTP, EddyMeters.SUCCESS, 1_000_000);
        MeterReading before = MeterReading.read(registry, 10_000);
        for (int i = 0; i < 18; i++) {
            meters.request(RequestKind.PRODUCE, Api.KAFKA, EddyMeters.SUCCESS, 1_000_000);
        }
        meters.request(RequestKind.PRODUCE, Api.HTTP, EddyMeters.CLIENT_ERROR, 1_000_000);
        meters.request(RequestKind.PRODUCE, Api.HTTP, EddyMeters.SERVER_ERROR, 1_000_000);

        HealthSample sample = MeterReading.read(registry, 12_000).since(before);

        assertThat(sample.atMs()).isEqualTo(12_000);
        assertThat(sample.values().get("produce.per_s")).isEqualTo(10.0);
        assertThat(sample.values().get("produce.errors_per_s")).isEqualTo(1.0);
        assertThat(sample.values().get("fetch.per_s")).isZero();
    }

    @Test
    void percentilesDescribeOnlyTheRequestsOfTheInterval() {
        // a slow past that a whole-uptime percentile would still show
        for (int i = 0; i < 1000; i++) {
            meters.request(RequestKind.FETCH, Api.HTTP, EddyMeters.SUCCESS, TimeUnit.SECONDS.toNanos(2));
        }
        MeterReading before = MeterReading.read(registry, 0);
        for (int i = 0; i < 100; i++) {
            meters.request(RequestKind.FETCH, Api.HTTP, EddyMeters.SUCCESS, TimeUnit.MILLISECONDS.toNanos(5));
        }

        HealthSample sample = MeterReading.read(registry, 5_000).since(before);

        // the histogram's buckets bound the answer: 5 ms falls in a bucket a few ms wide
        assertThat(sample.values().get("fetch.p50_ms")).isBetween(3.0, 8.0);
        assertThat(sample.values().get("fetch.p99_ms")).isBetween(3.0, 8.0);
        assertThat(sample.values()).doesNotContainKey("commit.p50_ms");
    }

    @Test
    void sdkCallsAndCacheHitRatioComeFromTheirCounters() {
        MeterReading before = MeterReading.read(registry, 0);
        Counter.builder("eddy.s3.requests")
                .tag("operation", "GetObject")
                .tag("outcome", "success")
                .register(registry)
                .increment(8);
        Counter.builder("eddy.s3.requests")
                .tag("operation", "PutObject")
                .tag("outcome", "throttled")
                .register(registry)
                .increment(2);
        Counter.builder("eddy.s3.requests") // a lost condition: expected, not an error
                .tag("operation", "PutObject")
                .tag("outcome", "refused")
                .register(registry)
                .increment(2);
        Counter.builder("eddy.cache.hits")
                .tag("tier", "memory")
                .register(registry)
                .increment(3);
        Counter.builder("eddy.cache.misses")
                .tag("tier", "memory")
                .register(registry)
                .increment(1);

        HealthSample sample = MeterReading.read(registry, 2_000).since(before);

        assertThat(sample.values().get("s3.per_s")).isEqualTo(6.0);
        assertThat(sample.values().get("s3.errors_per_s")).isEqualTo(1.0);
        assertThat(sample.values().get("cache.memory.hit_ratio")).isEqualTo(0.75);
        assertThat(sample.values()).doesNotContainKey("cache.index.hit_ratio");
    }

    @Test
    void quantileInterpolatesWithinTheBucketTheRankFallsIn() {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        cumulative.put(10.0, 50.0);
        cumulative.put(20.0, 90.0);
        cumulative.put(40.0, 100.0);

        assertThat(MeterReading.quantile(cumulative, 100, 0.5)).isEqualTo(10.0);
        assertThat(MeterReading.quantile(cumulative, 100, 0.7)).isCloseTo(15.0, within(1e-9));
        assertThat(MeterReading.quantile(cumulative, 100, 0.99)).isCloseTo(38.0, within(1e-9));
        // past the last bound the histogram knows no more than that bound
        assertThat(MeterReading.quantile(cumulative, 200, 0.99)).isEqualTo(40.0);
    }
}
