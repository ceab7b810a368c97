package io.eddy.runtime.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Eddy's meters as CloudWatch embedded metric format (EMF) lines, for a Lambda function, whose log CloudWatch turns
 * into metrics without an agent or a scrape. Each call to {@link #lines} answers what changed since the previous
 * one: counters as their increase ({@code Count}), timers as their count and total milliseconds
 * ({@code <name>_count}, {@code <name>_sum}, {@code Milliseconds}), gauges as their value; one line per set of
 * labels, the labels as dimensions beside {@code function}. Meter names are Prometheus' ({@code eddy_records_in_total}),
 * so a dashboard names the same metric on both. Thread-safe (one call at a time).
 */
public final class EmfLines {
    public static final String NAMESPACE = "Eddy";

    private final MeterRegistry registry;
    private final String function;
    private final Map<Meter.Id, double[]> last = new HashMap<>();

    public EmfLines(MeterRegistry registry, String function) {
        this.registry = registry;
        this.function = function;
    }

    /** One EMF JSON object per label set that has something to report, at {@code timestampMs}. */
    public synchronized List<ObjectNode> lines(long timestampMs) {
        Map<List<Tag>, ObjectNode> byTags = new LinkedHashMap<>();
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (!id.getName().startsWith("eddy.")) {
                continue;
            }
            String name = id.getName().replace('.', '_');
            Map<String, double[]> values = new LinkedHashMap<>(); // metric name → {value, unit: 0 count 1 ms 2 none}
            if (meter instanceof Counter c) {
                values.put(name + "_total", new double[] {increase(id, 0, c.count()), 0});
            } else if (meter instanceof FunctionCounter c) {
                values.put(name + "_total", new double[] {increase(id, 0, c.count()), 0});
            } else if (meter instanceof Timer t) {
                values.put(name + "_seconds_count", new double[] {increase(id, 0, t.count()), 0});
                values.put(name + "_seconds_sum", new double[] {increase(id, 1, t.totalTime(TimeUnit.MILLISECONDS)), 1
                });
            } else if (meter instanceof DistributionSummary s) {
                values.put(name + "_count", new double[] {increase(id, 0, s.count()), 0});
                values.put(name + "_sum", new double[] {increase(id, 1, s.totalAmount()), 2});
            } else if (meter instanceof Gauge g && !Double.isNaN(g.value())) {
                values.put(name, new double[] {g.value(), 2});
            }
            values.values().removeIf(v -> v[0] == 0 && v[1] != 2);
            if (values.isEmpty()) {
                continue;
            }
            ObjectNode line = byTags.computeIfAbsent(id.getTags(), tags -> header(tags, timestampMs));
            ArrayNode metrics = (ArrayNode) line.at("/_aws/CloudWatchMetrics/0/Metrics");
            values.forEach((metric, v) -> {
                line.put(metric, v[0]);
                metrics.addObject()
                        .put("Name", metric)
                        .put("Unit", v[1] == 0 ? "Count" : v[1] == 1 ? "Milliseconds" : "None");
            });
        }
        return new ArrayList<>(byTags.values());
    }

    private ObjectNode header(List<Tag> tags, long timestampMs) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        ObjectNode directive = line.putObject("_aws")
                .put("Timestamp", timestampMs)
                .putArray("CloudWatchMetrics")
                .addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode dimensions = directive.putArray("Dimensions").addArray().add("function");
        directive.putArray("Metrics");
        line.put("function", function);
        for (Tag tag : tags) {
            dimensions.add(tag.getKey());
            line.put(tag.getKey(), tag.getValue());
        }
        return line;
    }

    /** The growth of a cumulative value since the previous call (slot: which of a meter's values). */
    private double increase(Meter.Id id, int slot, double now) {
        double[] before = last.computeIfAbsent(id, k -> new double[2]);
        double delta = now - before[slot];
        before[slot] = now;
        return Math.max(0, delta);
    }
}
