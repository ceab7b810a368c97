package io.eddy.kafka;

import io.eddy.core.auth.Principal;
import java.net.SocketAddress;

/**
 * One client connection's state as the handlers see it: where it comes from and who it is. With access control
 * off every connection is {@link Principal#OPEN} from the start; with it on, a connection is no one until SASL
 * authenticates it. One instance per connection; its fields are written by that connection's handlers and read
 * by any thread (volatile).
 */
public final class KafkaSession {
    private final SocketAddress remote;
    private final boolean authenticationRequired;
    private volatile Principal principal;

    private KafkaSession(SocketAddress remote, boolean authenticationRequired, Principal principal) {
        this.remote = remote;
        this.authenticationRequired = authenticationRequired;
        this.principal = principal;
    }

    /** A connection to a listener with access control off: it acts as {@link Principal#OPEN}. */
    public static KafkaSession open(SocketAddress remote) {
        return new KafkaSession(remote, false, Principal.OPEN);
    }

    /** A connection that must authenticate (SASL) before anything but ApiVersions and the SASL APIs. */
    public static KafkaSession unauthenticated(SocketAddress remote) {
        return new KafkaSession(remote, true, null);
    }

    public SocketAddress remote() {
        return remote;
    }

    public boolean authenticated() {
        return principal != null;
    }

    public boolean authenticationRequired() {
        return authenticationRequired;
    }

    /**
     * Who this connection acts as.
     *
     * @throws IllegalStateException before it has authenticated
     */
    public Principal principal() {
        Principal p = principal;
        if (p == null) {
            throw new IllegalStateException("the connection from " + remote + " has not authenticated");
        }
        return p;
    }

    /** Records the principal SASL authenticated this connection as. */
    public void authenticatedAs(Principal authenticated) {
        this.principal = authenticated;
    }
}
