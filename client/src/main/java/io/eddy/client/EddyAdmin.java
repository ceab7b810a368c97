package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.client.http.EddyHttp;
import io.eddy.client.http.HttpTransport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Topics, groups and offsets: Eddy's admin API as typed calls. Every call waits for its answer and throws
 * {@link EddyClientException} with the server's problem code ({@code unknown_topic}, {@code topic_already_exists},
 * {@code group_not_empty}…) or {@code unreachable}. Thread-safe.
 */
public final class EddyAdmin implements AutoCloseable {
    private static final ObjectMapper JSON = EddyHttp.JSON;
    private final EddyHttp http;

    /**
     * A partition's offsets and size: {@code sizeBytes} is the bytes of its record batches from the log start
     * offset on, empty while the server does not know it in full.
     */
    public record PartitionOffsets(int partition, long logStartOffset, long highWatermark, Optional<Long> sizeBytes) {}

    /**
     * A topic; {@code offsets} is empty in a listing. {@code sizeBytes} is the sum of its partitions' sizes, empty
     * in a listing or when one of them is not known.
     */
    public record TopicDescription(
            String name,
            String topicId,
            int partitions,
            Map<String, Object> config,
            List<PartitionOffsets> offsets,
            Optional<Long> sizeBytes) {}

    public record Member(
            String memberId, Optional<String> instanceId, long memberEpoch, List<TopicPartition> assignment) {}

    /** A partition's position in a group, like a line of {@code kafka-consumer-groups --describe}. */
    public record PartitionLag(
            TopicPartition partition,
            Optional<String> owner,
            Optional<Long> committedOffset,
            long logStartOffset,
            long highWatermark,
            Optional<Long> lag) {}

    public record GroupDescription(
            String group,
            String state,
            long groupEpoch,
            String assignor,
            List<Member> members,
            List<PartitionLag> partitions) {}

    /** Where {@link #resetOffsets} moves a group: earliest, latest, a timestamp (ms) or a duration back (ms). */
    public record ResetTarget(String to, long value) {
        public static ResetTarget earliest() {
            return new ResetTarget("earliest", 0);
        }

        public static ResetTarget latest() {
            return new ResetTarget("latest", 0);
        }

        public static ResetTarget timestamp(long epochMs) {
            return new ResetTarget("timestamp", epochMs);
        }

        public static ResetTarget duration(long ms) {
            return new ResetTarget("duration", ms);
        }
    }

    public EddyAdmin(Map<String, ?> config) {
        this(config, null);
    }

    public EddyAdmin(Map<String, ?> config, HttpTransport transport) {
        ClientConfig c = new ClientConfig(config, Map.of());
        this.http = new EddyHttp(c.url(), transport != null ? transport : EddyHttp.transport(c));
    }

    // ---- topics --------------------------------------------------------------------------------------------

    public TopicDescription createTopic(String name, int partitions, Map<String, ?> config) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("partitions", partitions);
        body.set("config", JSON.valueToTree(config));
        return topic(call("PUT", topicPath(name), body));
    }

    public List<TopicDescription> listTopics() {
        List<TopicDescription> out = new ArrayList<>();
        call("GET", "v1/topics", null).path("topics").forEach(t -> out.add(topic(t)));
        return out;
    }

    public TopicDescription describeTopic(String name) {
        return topic(call("GET", topicPath(name), null));
    }

    /** Changes config and/or adds partitions ({@code PATCH /v1/topics/{topic}}); {@code partitions} ≤ 0 keeps them. */
    public TopicDescription alterTopic(String name, Map<String, ?> config, int partitions) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (!config.isEmpty()) {
            body.set("config", JSON.valueToTree(config));
        }
        if (partitions > 0) {
            body.put("partitions", partitions);
        }
        JsonNode r = call("PATCH", topicPath(name), body);
        return r == null ? describeTopic(name) : topic(r);
    }

    public void deleteTopic(String name) {
        call("DELETE", topicPath(name), null);
    }

    /** The offset {@code at} gives: {@code earliest}, {@code latest}, or the first at or after epoch milliseconds. */
    public long listOffset(TopicPartition tp, String at) {
        return call("GET", topicPath(tp.topic()) + "/partitions/" + tp.partition() + "/offsets?at=" + at, null)
                .get("offset")
                .asLong();
    }

    // ---- groups --------------------------------------------------------------------------------------------

    public List<String> listGroups() {
        List<String> out = new ArrayList<>();
        call("GET", "v1/groups", null)
                .path("groups")
                .forEach(g -> out.add(g.get("group").asText()));
        return out;
    }

    public GroupDescription describeGroup(String group) {
        JsonNode g = call("GET", groupPath(group), null);
        List<Member> members = new ArrayList<>();
        for (JsonNode m : g.path("members")) {
            members.add(new Member(
                    m.get("member_id").asText(),
                    Optional.ofNullable(m.path("instance_id").textValue()),
                    m.path("member_epoch").asLong(),
                    partitions(m.path("assignment"))));
        }
        List<PartitionLag> partitions = new ArrayList<>();
        for (JsonNode p : g.path("partitions")) {
            partitions.add(new PartitionLag(
                    new TopicPartition(
                            p.get("topic").asText(), p.get("partition").asInt()),
                    Optional.ofNullable(p.path("owner").textValue()),
                    optionalLong(p.get("committed_offset")),
                    p.path("log_start_offset").asLong(),
                    p.path("high_watermark").asLong(),
                    optionalLong(p.get("lag"))));
        }
        return new GroupDescription(
                g.get("group").asText(),
                g.path("state").asText(),
                g.path("group_epoch").asLong(),
                g.path("assignor").asText(),
                members,
                partitions);
    }

    public void deleteGroup(String group) {
        call("DELETE", groupPath(group), null);
    }

    /**
     * Moves a group's committed offsets (only while it has no live member, as Kafka); {@code topics} empty means
     * the topics it has committed on. Answers the new offsets; with {@code dryRun} nothing changes.
     */
    public Map<TopicPartition, Long> resetOffsets(
            String group, ResetTarget target, List<String> topics, boolean dryRun) {
        ObjectNode body =
                JsonNodeFactory.instance.objectNode().put("to", target.to()).put("dry_run", dryRun);
        if (target.to().equals("timestamp")) {
            body.put("timestamp", target.value());
        } else if (target.to().equals("duration")) {
            body.put("duration_ms", target.value());
        }
        if (!topics.isEmpty()) {
            ArrayNode t = body.putArray("topics");
            topics.forEach(t::add);
        }
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        call("POST", groupPath(group) + "/offsets:reset", body)
                .path("offsets")
                .forEach(o -> out.put(
                        new TopicPartition(
                                o.get("topic").asText(), o.get("partition").asInt()),
                        o.get("offset").asLong()));
        return out;
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private JsonNode call(String method, String path, JsonNode body) {
        return EddyHttp.await(http.json(method, path, body));
    }

    private static String topicPath(String name) {
        return "v1/topics/" + EddyHttp.segment(name);
    }

    private static String groupPath(String group) {
        return "v1/groups/" + EddyHttp.segment(group);
    }

    @SuppressWarnings("unchecked")
    private static TopicDescription topic(JsonNode t) {
        List<PartitionOffsets> offsets = new ArrayList<>();
        for (JsonNode p : t.path("partition_offsets")) {
            offsets.add(new PartitionOffsets(
                    p.get("partition").asInt(),
                    p.get("log_start_offset").asLong(),
                    p.get("high_watermark").asLong(),
                    optionalLong(p.get("size_bytes"))));
        }
        Map<String, Object> config =
                t.has("config") ? JSON.convertValue(t.get("config"), LinkedHashMap.class) : Map.of();
        return new TopicDescription(
                t.get("name").asText(),
                t.path("topic_id").asText(),
                t.get("partitions").asInt(),
                config,
                offsets,
                optionalLong(t.get("size_bytes")));
    }

    private static List<TopicPartition> partitions(JsonNode array) {
        List<TopicPartition> out = new ArrayList<>();
        array.forEach(p -> out.add(
                new TopicPartition(p.get("topic").asText(), p.get("partition").asInt())));
        return out;
    }

    private static Optional<Long> optionalLong(JsonNode n) {
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asLong());
    }

    @Override
    public void close() {
        http.close();
    }
}
