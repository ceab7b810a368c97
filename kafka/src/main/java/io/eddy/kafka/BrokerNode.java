package io.eddy.kafka;

/**
 * This instance as Kafka clients see it: the one broker of every Metadata response, the leader, only replica
 * and in-sync replica of every partition (every instance answers for every partition).
 */
public record BrokerNode(int id, String host, int port) {
    /** The id every instance gives itself: clients reconnect to whichever instance the address reaches. */
    public static final int SELF_ID = 0;

    public BrokerNode {
        if (id < 0 || host == null || host.isBlank() || port < 1 || port > 65_535) {
            throw new IllegalArgumentException("bad broker node " + id + "@" + host + ":" + port);
        }
    }
}
