package io.eddy.server;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The host a Kafka listener advertises when none is configured, as a Kafka broker picks it: the bound host, or,
 * for a wildcard address (every interface), this machine's canonical name. Stateless.
 */
final class AdvertisedHost {
    private AdvertisedHost() {}

    static String defaultFor(String boundHost) {
        if (!isWildcard(boundHost)) {
            return boundHost;
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(
                    "eddy.kafka.host=" + boundHost + " binds every interface and this machine's name does not "
                            + "resolve: set eddy.kafka.advertised-host to the name clients connect to",
                    e);
        }
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty();
    }
}
