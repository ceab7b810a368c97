package io.eddy.kafka.security;

import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaServices;
import java.util.List;

/**
 * The SASL APIs, SaslHandshake and SaslAuthenticate, with the PLAIN mechanism over core's identities. They are
 * advertised whether access control is on or off, as a Kafka broker advertises them on every listener; with it
 * off they answer {@code ILLEGAL_SASL_STATE}, as a broker's PLAINTEXT listener does. Stateless.
 */
public final class SecurityApis {
    private SecurityApis() {}

    public static List<ApiHandler> handlers(KafkaServices services, BrokerNode self, KafkaErrors errors) {
        return List.of(
                new SaslHandshakeHandler(), new SaslAuthenticateHandler(new PlainAuthenticator(services.identities())));
    }
}
