package io.eddy.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.constructs.Construct;

/**
 * The CloudWatch dashboard beside the alarms: produce rate, errors, latency, lag, S3 and DynamoDB calls and
 * compaction, over the meters every function (and the Kafka service's server) writes as embedded metric format
 * lines in namespace {@code Eddy} (docs/observability.md). Each graph is a {@code SEARCH} over the metric's name, so
 * it sums whatever functions, topics and operations report it.
 */
final class EddyDashboard {
    /** Each widget's title and the metrics it plots: label → (metric name, dimensions, statistic). */
    record Graph(String title, Map<String, String[]> series) {}

    static final List<Graph> GRAPHS = List.of(
            new Graph(
                    "Records in and out per minute",
                    Map.of(
                            "in", new String[] {"eddy_records_in_total", "function,api,topic", "Sum"},
                            "out", new String[] {"eddy_records_out_total", "function,api,topic", "Sum"})),
            new Graph(
                    "Produce and fetch requests per minute, by outcome",
                    Map.of(
                            "produce", new String[] {"eddy_produce_requests_total", "function,api,outcome", "Sum"},
                            "fetch", new String[] {"eddy_fetch_requests_total", "function,api,outcome", "Sum"})),
            new Graph(
                    "Produce ack and fetch latency (ms, mean)",
                    Map.of(
                            "produce ack",
                            new String[] {"eddy_produce_ack_seconds_sum", "function,api", "Average"},
                            "fetch",
                            new String[] {"eddy_fetch_seconds_sum", "function,api", "Average"})),
            new Graph(
                    "Consumer group lag (records, seconds)",
                    Map.of(
                            "records",
                            new String[] {"eddy_group_lag_records", "function,group,topic,partition", "Maximum"},
                            "seconds",
                            new String[] {"eddy_group_lag_seconds", "function,group,topic,partition", "Maximum"})),
            new Graph(
                    "S3 and DynamoDB calls per minute, by operation",
                    Map.of(
                            "S3",
                            new String[] {"eddy_s3_requests_total", "function,operation,outcome", "Sum"},
                            "DynamoDB",
                            new String[] {"eddy_dynamodb_requests_total", "function,operation,outcome", "Sum"})),
            new Graph(
                    "Compaction: passes, bytes rewritten, objects deleted",
                    Map.of(
                            "passes",
                            new String[] {"eddy_compaction_passes_total", "function,dry_run", "Sum"},
                            "bytes rewritten",
                            new String[] {"eddy_compaction_rewritten_bytes_total", "function", "Sum"},
                            "objects deleted",
                            new String[] {"eddy_compaction_objects_deleted_total", "function", "Sum"})));

    private EddyDashboard() {}

    static Dashboard create(Construct scope, String stage) {
        Dashboard dashboard = Dashboard.Builder.create(scope, "Dashboard")
                .dashboardName("eddy-" + stage)
                .build();
        for (Graph graph : GRAPHS) {
            List<IMetric> metrics = graph.series().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .<IMetric>map(e -> search(e.getKey(), e.getValue()))
                    .toList();
            dashboard.addWidgets(GraphWidget.Builder.create()
                    .title(graph.title())
                    .left(metrics)
                    .width(12)
                    .build());
        }
        return dashboard;
    }

    private static MathExpression search(String label, String[] metric) {
        return MathExpression.Builder.create()
                .expression(
                        "SEARCH('{Eddy," + metric[1] + "} MetricName=\"" + metric[0] + "\"', '" + metric[2] + "', 60)")
                .label(label)
                .period(Duration.minutes(1))
                .usingMetrics(Map.of())
                .build();
    }
}
