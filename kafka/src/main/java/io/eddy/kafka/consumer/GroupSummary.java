package io.eddy.kafka.consumer;

import java.util.Locale;

/**
 * A group as ListGroups shows it.
 *
 * @param groupId      its name
 * @param kind         the protocol its members speak
 * @param state        its state as Kafka names it for that kind ({@code Empty}, {@code Reconciling}, {@code Stable};
 *                     {@code PreparingRebalance}, {@code CompletingRebalance} for classic groups)
 * @param protocolType Kafka's protocol type: {@code consumer}
 */
record GroupSummary(String groupId, GroupKind kind, String state, String protocolType) {
    /** Kafka's protocol type of consumer groups, of both kinds. */
    static final String CONSUMER_PROTOCOL = "consumer";

    /** Whether {@code filter} (a state as ListGroups' states filter names it, any case) is this group's state. */
    boolean inState(String filter) {
        return state.toLowerCase(Locale.ROOT).equals(filter.toLowerCase(Locale.ROOT));
    }
}
