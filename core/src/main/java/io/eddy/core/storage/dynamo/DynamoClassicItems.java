package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;
import static io.eddy.core.storage.dynamo.DynamoValues.n;
import static io.eddy.core.storage.dynamo.DynamoValues.s;

import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicMember;
import io.eddy.core.group.ClassicProtocol;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item of a group's classic-protocol state ({@code G#<group>/CLASSIC}), both ways: scalars for the group,
 * a map {@code members} of member id to its attributes (protocols as a list of {name, metadata}), a map
 * {@code pending} of handed-out member ids to when they lapse. Empty byte arrays, sets and optional values are
 * left out. One item, so a classic group is bounded by DynamoDB's 400 KB per item (hundreds of consumers).
 * Stateless.
 */
final class DynamoClassicItems {
    static final String VERSION = "version";
    static final String GENERATION = "generation";
    static final String MEMBERS = "members";
    static final String EXPIRES_AT = "expiresAt";
    private static final String PHASE = "phase";
    private static final String PROTOCOL_TYPE = "protocolType";
    private static final String PROTOCOL_NAME = "protocolName";
    private static final String LEADER = "leader";
    private static final String DEADLINE = "deadline";
    private static final String NOT_BEFORE = "notBefore";
    private static final String PENDING = "pending";
    private static final String INSTANCE_ID = "instanceId";
    private static final String CLIENT_ID = "clientId";
    private static final String CLIENT_HOST = "clientHost";
    private static final String SESSION_TIMEOUT = "sessionTimeoutMs";
    private static final String REBALANCE_TIMEOUT = "rebalanceTimeoutMs";
    private static final String PROTOCOLS = "protocols";
    private static final String NAME = "name";
    private static final String METADATA = "metadata";
    private static final String JOINED = "joined";
    private static final String ASSIGNMENT = "assignment";
    private static final String TOPICS = "topics";
    private static final String ASSIGNED = "assigned";

    private DynamoClassicItems() {}

    static Map<String, AttributeValue> key(GroupId group) {
        return Map.of(PK, s(DynamoKeys.group(group.value())), SK, s(DynamoKeys.CLASSIC));
    }

    static Map<String, AttributeValue> item(ClassicGroup g) {
        Map<String, AttributeValue> item = new HashMap<>(key(g.groupId()));
        item.put(VERSION, n(g.version()));
        item.put(GENERATION, n(g.generation()));
        item.put(PHASE, s(g.phase().name()));
        g.protocolType().ifPresent(t -> item.put(PROTOCOL_TYPE, s(t)));
        g.protocolName().ifPresent(p -> item.put(PROTOCOL_NAME, s(p)));
        g.leader().ifPresent(l -> item.put(LEADER, s(l)));
        item.put(DEADLINE, n(g.deadlineMs()));
        item.put(NOT_BEFORE, n(g.notBeforeMs()));
        Map<String, AttributeValue> members = new HashMap<>();
        g.members().forEach((id, m) -> members.put(id, AttributeValue.fromM(member(m))));
        item.put(MEMBERS, AttributeValue.fromM(members));
        Map<String, AttributeValue> pending = new HashMap<>();
        g.pending().forEach((id, until) -> pending.put(id, n(until)));
        item.put(PENDING, AttributeValue.fromM(pending));
        return item;
    }

    private static Map<String, AttributeValue> member(ClassicMember m) {
        Map<String, AttributeValue> out = new HashMap<>();
        m.instanceId().ifPresent(i -> out.put(INSTANCE_ID, s(i)));
        out.put(CLIENT_ID, s(m.clientId()));
        out.put(CLIENT_HOST, s(m.clientHost()));
        out.put(SESSION_TIMEOUT, n(m.sessionTimeoutMs()));
        out.put(REBALANCE_TIMEOUT, n(m.rebalanceTimeoutMs()));
        List<AttributeValue> protocols = new ArrayList<>();
        for (ClassicProtocol p : m.protocols()) {
            Map<String, AttributeValue> one = new HashMap<>();
            one.put(NAME, s(p.name()));
            if (p.metadata().length > 0) {
                one.put(METADATA, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(p.metadata())));
            }
            protocols.add(AttributeValue.fromM(one));
        }
        out.put(PROTOCOLS, AttributeValue.fromL(protocols));
        out.put(JOINED, AttributeValue.fromBool(m.joined()));
        if (m.assignment().length > 0) {
            out.put(ASSIGNMENT, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(m.assignment())));
        }
        if (!m.topics().isEmpty()) {
            out.put(TOPICS, AttributeValue.fromSs(List.copyOf(m.topics())));
        }
        if (!m.assigned().isEmpty()) {
            out.put(
                    ASSIGNED,
                    AttributeValue.fromSs(m.assigned().stream()
                            .map(tp -> tp.topic() + "#" + tp.partition())
                            .toList()));
        }
        out.put(EXPIRES_AT, n(m.expiresAtMs()));
        return out;
    }

    static ClassicGroup group(GroupId group, Map<String, AttributeValue> item) {
        SortedMap<String, ClassicMember> members = new TreeMap<>();
        item.get(MEMBERS).m().forEach((id, m) -> members.put(id, member(id, m.m())));
        SortedMap<String, Long> pending = new TreeMap<>();
        item.get(PENDING).m().forEach((id, until) -> pending.put(id, Long.parseLong(until.n())));
        return new ClassicGroup(
                group,
                n(item, VERSION),
                (int) n(item, GENERATION),
                ClassicGroup.Phase.valueOf(item.get(PHASE).s()),
                text(item, PROTOCOL_TYPE),
                text(item, PROTOCOL_NAME),
                text(item, LEADER),
                n(item, DEADLINE),
                n(item, NOT_BEFORE),
                members,
                pending);
    }

    private static ClassicMember member(String memberId, Map<String, AttributeValue> m) {
        List<ClassicProtocol> protocols = m.get(PROTOCOLS).l().stream()
                .map(p -> new ClassicProtocol(p.m().get(NAME).s(), bytes(p.m(), METADATA)))
                .toList();
        SortedSet<String> topics =
                m.containsKey(TOPICS) ? new TreeSet<>(m.get(TOPICS).ss()) : new TreeSet<>();
        SortedSet<TopicPartition> assigned = new TreeSet<>();
        if (m.containsKey(ASSIGNED)) {
            m.get(ASSIGNED).ss().forEach(p -> {
                int hash = p.lastIndexOf('#');
                assigned.add(new TopicPartition(p.substring(0, hash), Integer.parseInt(p.substring(hash + 1))));
            });
        }
        return new ClassicMember(
                memberId,
                text(m, INSTANCE_ID),
                m.get(CLIENT_ID).s(),
                m.get(CLIENT_HOST).s(),
                (int) n(m, SESSION_TIMEOUT),
                (int) n(m, REBALANCE_TIMEOUT),
                protocols,
                m.get(JOINED).bool(),
                bytes(m, ASSIGNMENT),
                topics,
                assigned,
                n(m, EXPIRES_AT));
    }

    private static Optional<String> text(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
    }

    private static byte[] bytes(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? new byte[0] : v.b().asByteArrayUnsafe();
    }
}
