package io.eddy.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** The fault matrix: a table of scenario × counts, and the same as JSON. Pure formatting. */
final class FaultMatrix {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FaultMatrix() {}

    static String table(List<ChaosRunner.Result> results) {
        StringBuilder out = new StringBuilder();
        String format = "%-18s %7s %10s %7s %7s %7s %5s %10s %10s %10s  %s%n";
        out.append(String.format(
                format,
                "scenario",
                "seconds",
                "operations",
                "sends",
                "acked",
                "unknown",
                "lost",
                "dup(idem)",
                "dup(other)",
                "violations",
                "faults injected"));
        for (ChaosRunner.Result r : results) {
            Checker.Verdict v = r.verdict();
            out.append(String.format(
                    format,
                    r.scenario().label(),
                    String.format("%.0f", r.seconds()),
                    v.operations(),
                    v.sends(),
                    v.acked(),
                    v.unknown(),
                    v.lost(),
                    v.duplicatedIdempotent(),
                    v.duplicatedOther(),
                    v.violations(),
                    faults(r)));
        }
        for (ChaosRunner.Result r : results) {
            if (r.verdict().violations() > 0) {
                out.append(String.format(
                        "%s: %s%n", r.scenario().label(), r.verdict().nonZero()));
            }
        }
        return out.toString();
    }

    /** The injected faults, both proxies, without the passes. */
    static String faults(ChaosRunner.Result r) {
        StringBuilder s = new StringBuilder();
        appendFaults(s, "s3 ", r.s3Faults());
        appendFaults(s, "dynamodb ", r.dynamoFaults());
        if (r.scenario().process() != Scenario.ProcessFault.NONE) {
            s.append(s.length() == 0 ? "" : ", ")
                    .append(r.scenario().process().name().toLowerCase(java.util.Locale.ROOT))
                    .append(String.format(" (down %.1f s)", r.downMillis() / 1000.0));
        }
        if (r.topicsCreated() > 0) {
            s.append(s.length() == 0 ? "" : ", ")
                    .append(String.format(
                            "%d topics created, %d deleted, %d partitions purged",
                            r.topicsCreated(), r.topicsDeleted(), r.partitionsPurged()));
        }
        if (r.memberCrashes() > 0) {
            s.append(s.length() == 0 ? "" : ", ").append(r.memberCrashes()).append(" member crashes");
        }
        return s.length() == 0 ? "-" : s.toString();
    }

    private static void appendFaults(StringBuilder s, String service, Map<String, Long> counts) {
        counts.forEach((k, v) -> {
            if (!k.equals("pass")) {
                s.append(s.length() == 0 ? "" : ", ")
                        .append(k.startsWith("s3_") ? "" : service)
                        .append(k)
                        .append(' ')
                        .append(v);
            }
        });
    }

    static String json(List<ChaosRunner.Result> results, String note) {
        ObjectNode root = JSON.createObjectNode();
        root.put("note", note);
        ArrayNode rows = root.putArray("scenarios");
        for (ChaosRunner.Result r : results) {
            ObjectNode row = rows.addObject();
            row.put("scenario", r.scenario().label());
            row.put("seed", r.seed());
            row.put("seconds", Math.round(r.seconds() * 10) / 10.0);
            row.set("verdict", JSON.valueToTree(r.verdict()));
            row.put("violations", r.verdict().violations());
            row.set("s3_requests", JSON.valueToTree(r.s3Faults()));
            row.set("dynamodb_requests", JSON.valueToTree(r.dynamoFaults()));
            row.put("member_crashes", r.memberCrashes());
            row.put("poll_errors", r.pollErrors());
            row.put("compactions", r.compactions());
            row.put("compaction_failures", r.compactionFailures());
            row.put("acks_slower_than_request_timeout", r.slowAcks());
            row.put("server_down_ms", r.downMillis());
            row.put("topics_created", r.topicsCreated());
            row.put("topics_deleted", r.topicsDeleted());
            row.put("partitions_purged", r.partitionsPurged());
            row.set("send_failures", JSON.valueToTree(new java.util.TreeMap<>(r.sendFailures())));
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
