package io.eddy.server.console;

import io.eddy.runtime.metrics.RequestKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters the console's Health page plots, read from the registry at one instant: counter totals summed over
 * their labels, and the request timers' histograms (cumulative count per bucket bound, in milliseconds; the timers
 * publish percentile histograms for {@code /q/metrics}). Two readings give a {@link HealthSample}: counters as rates,
 * latency percentiles from the buckets' growth between them (as Prometheus' {@code histogram_quantile} over a
 * {@code rate} does, so a percentile describes that interval, not the whole uptime). Immutable.
 */
public record MeterReading(
        long atMs, Map<String, Double> totals, Map<String, NavigableMap<Double, Double>> histograms) {

    /** The S3 and DynamoDB call counters ({@code SdkCallMeters}) by the prefix they are plotted under. */
    private static final List<String> SERVICES = List.of("s3", "dynamodb");

    private static final List<String> CACHE_TIERS = List.of("memory", "disk", "index");

    public MeterReading {
        totals = Map.copyOf(totals);
        histograms = Map.copyOf(histograms);
    }

    /** Reads the registry now. */
    public static MeterReading read(MeterRegistry registry, long atMs) {
        Map<String, Double> totals = new HashMap<>();
        Map<String, NavigableMap<Double, Double>> histograms = new HashMap<>();
        for (RequestKind kind : RequestKind.values()) {
            String k = kind.label();
            for (Counter c : registry.find("eddy." + k + ".requests").counters()) {
                String outcome = c.getId().getTag("outcome");
                totals.merge(k + ".requests", c.count(), Double::sum);
                if (!"success".equals(outcome)) {
                    totals.merge(k + ".errors", c.count(), Double::sum);
                }
            }
            NavigableMap<Double, Double> buckets = new TreeMap<>();
            for (Timer t : registry.find(kind.timer()).timers()) {
                totals.merge(k + ".timed", (double) t.count(), Double::sum);
                for (CountAtBucket b : t.takeSnapshot().histogramCounts()) {
                    buckets.merge(b.bucket(TimeUnit.MILLISECONDS), b.count(), Double::sum);
                }
            }
            histograms.put(k, buckets);
        }
        for (String service : SERVICES) {
            for (Counter c : registry.find("eddy." + service + ".requests").counters()) {
                totals.merge(service + ".requests", c.count(), Double::sum);
                String outcome = c.getId().getTag("outcome");
                if (!"success".equals(outcome) && !"refused".equals(outcome)) { // a lost condition is no fault
                    totals.merge(service + ".errors", c.count(), Double::sum);
                }
            }
        }
        sum(registry, "eddy.records.in", "records.in", totals);
        sum(registry, "eddy.records.out", "records.out", totals);
        for (String tier : CACHE_TIERS) {
            for (String what : List.of("hits", "misses")) {
                registry.find("eddy.cache." + what)
                        .tag("tier", tier)
                        .meters()
                        .forEach(m -> totals.merge("cache." + tier + "." + what, count(m), Double::sum));
            }
        }
        return new MeterReading(atMs, totals, histograms);
    }

    private static void sum(MeterRegistry registry, String meter, String key, Map<String, Double> totals) {
        registry.find(meter).meters().forEach(m -> totals.merge(key, count(m), Double::sum));
    }

    private static double count(Meter m) {
        if (m instanceof Counter c) {
            return c.count();
        }
        if (m instanceof FunctionCounter f) {
            return f.count();
        }
        return 0;
    }

    /**
     * What happened between {@code before} and this reading: per second for counts, p50 and p99 in milliseconds for
     * the request kinds that were timed in between, and each cache tier's hit ratio over the lookups in between. A
     * value with nothing to describe (no request timed, no lookup) is left out rather than shown as 0.
     */
    public HealthSample since(MeterReading before) {
        double seconds = (atMs - before.atMs) / 1000.0;
        if (seconds <= 0) {
            throw new IllegalArgumentException("reading at " + atMs + " is not after " + before.atMs);
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (RequestKind kind : RequestKind.values()) {
            String k = kind.label();
            values.put(k + ".per_s", delta(before, k + ".requests") / seconds);
            values.put(k + ".errors_per_s", delta(before, k + ".errors") / seconds);
            double timed = delta(before, k + ".timed");
            if (timed > 0) {
                NavigableMap<Double, Double> grown = grown(before.histograms.get(k), histograms.get(k));
                values.put(k + ".p50_ms", quantile(grown, timed, 0.50));
                values.put(k + ".p99_ms", quantile(grown, timed, 0.99));
            }
        }
        for (String service : SERVICES) {
            values.put(service + ".per_s", delta(before, service + ".requests") / seconds);
            values.put(service + ".errors_per_s", delta(before, service + ".errors") / seconds);
        }
        values.put("records_in.per_s", delta(before, "records.in") / seconds);
        values.put("records_out.per_s", delta(before, "records.out") / seconds);
        for (String tier : CACHE_TIERS) {
            double hits = delta(before, "cache." + tier + ".hits");
            double lookups = hits + delta(before, "cache." + tier + ".misses");
            if (lookups > 0) {
                values.put("cache." + tier + ".hit_ratio", hits / lookups);
            }
        }
        return new HealthSample(atMs, values);
    }

    /** A counter's growth; a meter that restarted (a new registry) counts from zero rather than going negative. */
    private double delta(MeterReading before, String key) {
        double now = totals.getOrDefault(key, 0.0);
        double then = before.totals.getOrDefault(key, 0.0);
        return now >= then ? now - then : now;
    }

    private static NavigableMap<Double, Double> grown(
            NavigableMap<Double, Double> before, NavigableMap<Double, Double> now) {
        NavigableMap<Double, Double> out = new TreeMap<>();
        now.forEach((bound, count) -> {
            double then = before == null ? 0 : before.getOrDefault(bound, 0.0);
            out.put(bound, Math.max(0, count - then));
        });
        return out;
    }

    /**
     * The {@code q} quantile of {@code total} values whose cumulative counts per bucket bound are {@code buckets}:
     * linear within the bucket the rank falls in (from the bound below it, 0 for the first); past the last bound,
     * the last bound (the histogram knows no more). Package-private for the tests.
     */
    static double quantile(NavigableMap<Double, Double> buckets, double total, double q) {
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> b : buckets.entrySet()) {
            double upper = b.getKey();
            double cumulative = b.getValue();
            if (cumulative >= rank && cumulative > below) {
                return lower + (upper - lower) * (rank - below) / (cumulative - below);
            }
            lower = upper;
            below = cumulative;
        }
        return buckets.isEmpty() ? 0 : buckets.lastKey();
    }
}
