package io.eddy.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.group.CommittedOffset;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.Heartbeat;
import io.eddy.core.group.MemberState;
import io.eddy.core.group.OffsetReset;
import io.eddy.core.group.Subscription;
import io.eddy.core.group.TopicPartition;
import io.eddy.core.model.OffsetSpec;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.json.JsonRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The JSON shapes of the consumer-group API, both ways; strict as every body (unknown fields are errors). Stateless. */
final class GroupJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern MEMBER_ID = Pattern.compile("[\\x21-\\x7e]{1,255}");
    private static final Set<String> HEARTBEAT_FIELDS = Set.of(
            "member_epoch",
            "topics",
            "topic_pattern",
            "owned",
            "instance_id",
            "session_timeout_ms",
            "rebalance_timeout_ms",
            "auto_offset_reset",
            "assignor");
    private static final Set<String> COMMIT_FIELDS = Set.of("member_id", "member_epoch", "offsets");
    private static final Set<String> OFFSET_FIELDS = Set.of("topic", "partition", "offset", "metadata");
    private static final Set<String> PARTITION_FIELDS = Set.of("topic", "partition");
    private static final Set<String> RESET_FIELDS = Set.of("to", "timestamp", "duration_ms", "topics", "dry_run");

    private GroupJson() {}

    static String memberId(String raw) {
        if (raw == null || !MEMBER_ID.matcher(raw).matches()) {
            throw invalid("a member id is 1 to 255 visible ASCII characters", "member_id");
        }
        return raw;
    }

    static Heartbeat heartbeat(String memberId, JsonNode body, EddyConfig.Groups defaults) {
        object(body, HEARTBEAT_FIELDS, "the body");
        long epoch = integer(body, "member_epoch", 0, Long.MAX_VALUE)
                .orElseThrow(() -> invalid(
                        "'member_epoch' is required: 0 to join, then the epoch the last answer gave", "member_epoch"));
        Optional<Subscription> subscription = subscription(body);
        Optional<Set<TopicPartition>> owned = body.has("owned")
                ? Optional.of(new HashSet<>(partitions(body.get("owned"), "owned")))
                : Optional.empty();
        Optional<String> instance = text(body, "instance_id").map(i -> {
            if (!MEMBER_ID.matcher(i).matches()) {
                throw invalid("an instance id is 1 to 255 visible ASCII characters", "instance_id");
            }
            return i;
        });
        long session = integer(body, "session_timeout_ms", 1, Integer.MAX_VALUE)
                .orElse(defaults.defaultSessionTimeout().toMillis());
        long rebalance = integer(body, "rebalance_timeout_ms", 1, Integer.MAX_VALUE)
                .orElse(defaults.defaultRebalanceTimeout().toMillis());
        OffsetReset reset =
                text(body, "auto_offset_reset").map(OffsetReset::fromWire).orElse(OffsetReset.LATEST);
        return new Heartbeat(
                memberId, epoch, instance, subscription, owned, text(body, "assignor"), session, rebalance, reset);
    }

    private static Optional<Subscription> subscription(JsonNode body) {
        JsonNode topics = body.get("topics");
        Optional<String> pattern = text(body, "topic_pattern");
        if (topics != null && pattern.isPresent()) {
            throw invalid("subscribe to 'topics' or to a 'topic_pattern', not both", "topics");
        }
        if (pattern.isPresent()) {
            return Optional.of(Subscription.ofPattern(pattern.get()));
        }
        if (topics == null) {
            return Optional.empty();
        }
        if (!topics.isArray() || topics.isEmpty()) {
            throw invalid("'topics' must be a non-empty array of topic names", "topics");
        }
        List<String> names = new ArrayList<>();
        topics.forEach(t -> {
            if (!t.isTextual()) {
                throw invalid("'topics' must hold topic names (strings)", "topics");
            }
            names.add(t.asText());
        });
        return Optional.of(Subscription.ofTopics(names));
    }

    record Commit(String memberId, long memberEpoch, List<CommittedOffset> offsets) {}

    static Commit commit(JsonNode body) {
        object(body, COMMIT_FIELDS, "the body");
        String member = memberId(text(body, "member_id").orElse(null));
        long epoch = integer(body, "member_epoch", 0, Long.MAX_VALUE)
                .orElseThrow(() -> invalid("'member_epoch' is required", "member_epoch"));
        JsonNode offsets = body.get("offsets");
        if (offsets == null || !offsets.isArray() || offsets.isEmpty()) {
            throw invalid("'offsets' must be a non-empty array of {topic, partition, offset, metadata}", "offsets");
        }
        List<CommittedOffset> out = new ArrayList<>();
        for (int i = 0; i < offsets.size(); i++) {
            JsonNode o = offsets.get(i);
            String where = "offsets[" + i + "]";
            object(o, OFFSET_FIELDS, where);
            TopicPartition tp = partition(o, where);
            long offset = integer(o, "offset", 0, Long.MAX_VALUE)
                    .orElseThrow(() -> invalid(where + ".offset is required: the next offset to consume", "offsets"));
            String metadata = text(o, "metadata").orElse("");
            if (metadata.length() > CommittedOffset.MAX_METADATA_CHARS) {
                throw invalid(
                        where + ".metadata is longer than " + CommittedOffset.MAX_METADATA_CHARS + " characters",
                        "offsets");
            }
            out.add(new CommittedOffset(tp, offset, metadata, epoch, 0));
        }
        return new Commit(member, epoch, out);
    }

    record Reset(OffsetSpec target, List<String> topics, boolean dryRun) {}

    static Reset reset(JsonNode body) {
        object(body, RESET_FIELDS, "the body");
        String to = text(body, "to")
                .orElseThrow(() -> invalid("'to' is required: earliest, latest, timestamp or duration", "to"));
        OffsetSpec target = switch (to) {
            case "earliest" -> new OffsetSpec.Earliest();
            case "latest" -> new OffsetSpec.Latest();
            case "timestamp" ->
                new OffsetSpec.AtTimestamp(integer(body, "timestamp", 0, Long.MAX_VALUE)
                        .orElseThrow(
                                () -> invalid("to=timestamp needs 'timestamp' (epoch milliseconds)", "timestamp")));
            case "duration" ->
                new OffsetSpec.Ago(Duration.ofMillis(integer(body, "duration_ms", 0, Long.MAX_VALUE)
                        .orElseThrow(() -> invalid("to=duration needs 'duration_ms'", "duration_ms"))));
            default -> throw invalid("'to' must be earliest, latest, timestamp or duration, not '" + to + "'", "to");
        };
        List<String> topics = new ArrayList<>();
        JsonNode names = body.get("topics");
        if (names != null) {
            if (!names.isArray()) {
                throw invalid("'topics' must be an array of topic names", "topics");
            }
            names.forEach(n -> {
                if (!n.isTextual()) {
                    throw invalid("'topics' must hold topic names (strings)", "topics");
                }
                topics.add(n.asText());
            });
        }
        JsonNode dryRun = body.get("dry_run");
        if (dryRun != null && !dryRun.isBoolean()) {
            throw invalid("'dry_run' must be true or false", "dry_run");
        }
        return new Reset(target, topics, dryRun != null && dryRun.asBoolean());
    }

    // ---- rendering -----------------------------------------------------------------------------------------

    static ObjectNode reply(String group, GroupService.HeartbeatReply r) {
        ObjectNode out = NODES.objectNode()
                .put("group", group)
                .put("member_id", r.memberId())
                .put("member_epoch", r.memberEpoch())
                .put("heartbeat_interval_ms", r.heartbeatIntervalMs());
        Map<TopicPartition, GroupService.StartOffset> starts = new java.util.HashMap<>();
        r.starts().forEach(s -> starts.put(s.partition(), s));
        ArrayNode assignment = out.putArray("assignment");
        for (TopicPartition tp : r.assignment()) {
            ObjectNode p = partition(assignment.addObject(), tp);
            GroupService.StartOffset start = starts.get(tp);
            if (start != null) {
                if (start.offset().isPresent()) {
                    p.put("offset", start.offset().get());
                } else {
                    p.putNull("offset");
                }
                p.put("committed", start.committed());
            }
        }
        partitions(out.putArray("revoke"), r.revoke());
        partitions(out.putArray("pending"), r.pending());
        return out;
    }

    static ObjectNode committed(List<CommittedOffset> offsets) {
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("offsets");
        offsets.forEach(o -> partition(list.addObject(), o.partition()).put("offset", o.offset()));
        return out;
    }

    /** A described group, showing only the topics {@code visible} allows (members' subscriptions and partitions too). */
    static ObjectNode describe(GroupService.GroupDescription d, Predicate<String> visible) {
        ObjectNode out = NODES.objectNode()
                .put("group", d.group().groupId().value())
                .put("state", d.state())
                .put("group_epoch", d.group().groupEpoch())
                .put("assignor", d.group().assignor());
        ArrayNode members = out.putArray("members");
        for (MemberState m : d.members()) {
            ObjectNode o = members.addObject().put("member_id", m.memberId());
            m.instanceId().ifPresent(i -> o.put("instance_id", i));
            o.put("member_epoch", m.memberEpoch());
            if (m.subscription().pattern().isPresent()) {
                o.put("topic_pattern", m.subscription().pattern().get());
            } else {
                ArrayNode topics = o.putArray("topics");
                m.subscription().topics().stream().filter(visible).forEach(topics::add);
            }
            partitions(o.putArray("assignment"), visible(m.assigned(), visible));
            partitions(o.putArray("target"), visible(d.group().target().partitionsOf(m.memberId()), visible));
            o.put("expires_at_ms", m.expiresAtMs());
        }
        ArrayNode partitions = out.putArray("partitions");
        for (GroupService.PartitionLag l : d.partitions()) {
            if (!visible.test(l.partition().topic())) {
                continue;
            }
            ObjectNode p = partition(partitions.addObject(), l.partition());
            if (l.owner().isPresent()) {
                p.put("owner", l.owner().get());
            } else {
                p.putNull("owner");
            }
            if (l.committed().isPresent()) {
                p.put("committed_offset", l.committed().get().offset())
                        .put("metadata", l.committed().get().metadata());
            } else {
                p.putNull("committed_offset");
            }
            p.put("log_start_offset", l.logStartOffset()).put("high_watermark", l.highWatermark());
            if (l.lag().isPresent()) {
                p.put("lag", l.lag().get());
            } else {
                p.putNull("lag");
            }
        }
        return out;
    }

    static ObjectNode reset(List<CommittedOffset> offsets, boolean dryRun) {
        return committed(offsets).put("dry_run", dryRun);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static List<TopicPartition> visible(Collection<TopicPartition> partitions, Predicate<String> visible) {
        return partitions.stream().filter(tp -> visible.test(tp.topic())).toList();
    }

    private static void partitions(ArrayNode into, Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> partition(into.addObject(), tp));
    }

    private static ObjectNode partition(ObjectNode o, TopicPartition tp) {
        return o.put("topic", tp.topic()).put("partition", tp.partition());
    }

    private static List<TopicPartition> partitions(JsonNode array, String field) {
        if (!array.isArray()) {
            throw invalid("'" + field + "' must be an array of {topic, partition}", field);
        }
        List<TopicPartition> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode p = array.get(i);
            object(p, PARTITION_FIELDS, field + "[" + i + "]");
            out.add(partition(p, field + "[" + i + "]"));
        }
        return out;
    }

    private static TopicPartition partition(JsonNode o, String where) {
        String topic = text(o, "topic").orElseThrow(() -> invalid(where + ".topic is required", "topic"));
        long partition = integer(o, "partition", 0, Integer.MAX_VALUE)
                .orElseThrow(() -> invalid(where + ".partition is required", "partition"));
        if (topic.isBlank()) {
            throw invalid(where + ".topic must not be blank", "topic");
        }
        return new TopicPartition(topic, (int) partition);
    }

    private static void object(JsonNode node, Set<String> fields, String where) {
        if (node == null || !node.isObject()) {
            throw invalid(where + " must be a JSON object", "body");
        }
        JsonRecords.rejectUnknownFields(node, fields, where);
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw invalid("'" + field + "' must be a string", field);
        }
        return Optional.of(v.asText());
    }

    private static Optional<Long> integer(JsonNode body, String field, long min, long max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw invalid("'" + field + "' must be an integer from " + min + " to " + max, field);
        }
        return Optional.of(v.asLong());
    }

    private static EddyException invalid(String message, String field) {
        return new EddyException(ErrorCode.INVALID_REQUEST, message, Map.of("field", field));
    }
}
