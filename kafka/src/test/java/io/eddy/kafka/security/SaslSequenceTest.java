package io.eddy.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaSettings;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SASL sequence on the wire, request by request, as a Kafka broker's listeners answer it: a SASL listener
 * (access control on) and a PLAINTEXT one (access control off). Requests and responses are kafka-clients' own.
 */
@ExtendWith(EddyStackExtension.class)
class SaslSequenceTest {
    private static KafkaFrontEnd secured;
    private static KafkaFrontEnd open;

    @BeforeAll
    static void start(EddyStack stack) {
        secured = new KafkaFrontEnd(stack, KafkaSettings.of("127.0.0.1", 0), Optional.of(Principals.identities()));
        open = new KafkaFrontEnd(stack);
        secured.topics().create("orders", 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
    }

    @AfterAll
    static void stop() {
        if (secured != null) {
            secured.close();
        }
        if (open != null) {
            open.close();
        }
    }

    @Test
    void plainCredentialsAuthenticateTheConnectionForAnySessionLifetime() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            ApiVersionsResponse versions = wire.call(new ApiVersionsRequest.Builder().build());
            SaslHandshakeResponse handshake = wire.call(handshake("PLAIN"));
            SaslAuthenticateResponse authenticated =
                    wire.call(authenticate("\0" + Principals.ALICE + "\0" + Principals.ALICE_TOKEN));
            MetadataResponse metadata =
                    wire.call(MetadataRequest.Builder.allTopics().build());

            assertThat(versions.data().errorCode()).isZero();
            assertThat(handshake.error()).isEqualTo(Errors.NONE);
            assertThat(handshake.enabledMechanisms()).containsExactly("PLAIN");
            assertThat(authenticated.error()).isEqualTo(Errors.NONE);
            assertThat(authenticated.sessionLifetimeMs()).isZero();
            assertThat(metadata.topicMetadata())
                    .extracting(MetadataResponse.TopicMetadata::topic)
                    .containsExactly("orders");
        }
    }

    @Test
    void anAuthorizationIdEqualToTheUserIsAccepted() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            wire.call(handshake("PLAIN"));
            SaslAuthenticateResponse authenticated =
                    wire.call(authenticate(Principals.ALICE + "\0" + Principals.ALICE + "\0" + Principals.ALICE_TOKEN));

            assertThat(authenticated.error()).isEqualTo(Errors.NONE);
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAMessageAndTheConnectionClosed() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            wire.call(handshake("PLAIN"));
            SaslAuthenticateResponse refused = wire.call(authenticate("\0" + Principals.ALICE + "\0wrong"));

            assertThat(refused.error()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED);
            assertThat(refused.errorMessage()).isEqualTo("Authentication failed: Invalid username or password");
            assertThat(wire.closedByServer()).isTrue();
        }
    }

    @Test
    void anotherPrincipalsTokenUnderThisUserNameIsRefused() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            wire.call(handshake("PLAIN"));
            SaslAuthenticateResponse refused =
                    wire.call(authenticate("\0" + Principals.ALICE + "\0" + Principals.BOB_TOKEN));

            assertThat(refused.error()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED);
            assertThat(wire.closedByServer()).isTrue();
        }
    }

    @Test
    void anUnsupportedMechanismIsAnsweredWithTheEnabledOnesAndTheConnectionClosed() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            SaslHandshakeResponse refused = wire.call(handshake("SCRAM-SHA-256"));

            assertThat(refused.error()).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM);
            assertThat(refused.enabledMechanisms()).containsExactly("PLAIN");
            assertThat(wire.closedByServer()).isTrue();
        }
    }

    @Test
    void authenticateBeforeTheHandshakeIsAnIllegalStateAndClosesTheConnection() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            SaslAuthenticateResponse refused =
                    wire.call(authenticate("\0" + Principals.ALICE + "\0" + Principals.ALICE_TOKEN));

            assertThat(refused.error()).isEqualTo(Errors.ILLEGAL_SASL_STATE);
            assertThat(wire.closedByServer()).isTrue();
        }
    }

    @Test
    void aSecondHandshakeBeforeAuthenticateIsAnIllegalStateAndClosesTheConnection() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            wire.call(handshake("PLAIN"));
            SaslHandshakeResponse second = wire.call(handshake("PLAIN"));

            assertThat(second.error()).isEqualTo(Errors.ILLEGAL_SASL_STATE);
            assertThat(wire.closedByServer()).isTrue();
        }
    }

    @Test
    void anotherRequestBetweenHandshakeAndAuthenticateIsAnIllegalStateAndClosesTheConnection() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            wire.call(handshake("PLAIN"));
            ApiVersionsResponse refused = wire.call(new ApiVersionsRequest.Builder().build());

            assertThat(refused.data().errorCode()).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
            assertThat(wire.closedByServer()).isTrue();
        }
    }

    @Test
    void anyOtherRequestBeforeTheHandshakeClosesTheConnectionUnanswered() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            wire.send(MetadataRequest.Builder.allTopics().build());

            assertThat(wire.closedByServer()).isTrue();
        }
    }

    @Test
    void aHandshakeAfterAuthenticationIsAnIllegalStateButTheConnectionStaysUsable() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            wire.call(handshake("PLAIN"));
            wire.call(authenticate("\0" + Principals.ALICE + "\0" + Principals.ALICE_TOKEN));
            SaslHandshakeResponse again = wire.call(handshake("PLAIN"));
            SaslAuthenticateResponse reauthenticate =
                    wire.call(authenticate("\0" + Principals.ALICE + "\0" + Principals.ALICE_TOKEN));
            MetadataResponse metadata =
                    wire.call(MetadataRequest.Builder.allTopics().build());

            assertThat(again.error()).isEqualTo(Errors.ILLEGAL_SASL_STATE);
            assertThat(reauthenticate.error()).isEqualTo(Errors.ILLEGAL_SASL_STATE);
            assertThat(metadata.topicMetadata()).isNotEmpty();
        }
    }

    @Test
    void afterAHandshakeVersionZeroTheRawPlainTokenAuthenticates() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            SaslHandshakeResponse handshake = wire.call(handshake("PLAIN", (short) 0));
            wire.sendUnframed(
                    ("\0" + Principals.ALICE + "\0" + Principals.ALICE_TOKEN).getBytes(StandardCharsets.UTF_8));
            byte[] serverToken = wire.receiveUnframed();
            MetadataResponse metadata =
                    wire.call(MetadataRequest.Builder.allTopics().build());

            assertThat(handshake.error()).isEqualTo(Errors.NONE);
            assertThat(serverToken).isEmpty();
            assertThat(metadata.topicMetadata())
                    .extracting(MetadataResponse.TopicMetadata::topic)
                    .containsExactly("orders");
        }
    }

    @Test
    void afterAHandshakeVersionZeroAWrongRawTokenClosesTheConnectionUnanswered() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            wire.call(handshake("PLAIN", (short) 0));
            wire.sendUnframed(("\0" + Principals.ALICE + "\0wrong").getBytes(StandardCharsets.UTF_8));

            assertThat(wire.closedByServer()).isTrue();
        }
    }

    @Test
    void aFrameOverTheLimitBeforeAuthenticationClosesTheConnection() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(secured.port())) {
            wire.sendSizeOnly(512 * 1024 + 1); // Kafka's sasl.server.max.receive.size, far below 100 MiB

            assertThat(wire.closedByServer()).isTrue();
        }
    }

    @Test
    void bothListenersAdvertiseEveryVersionOfTheSaslApis() throws Exception {
        for (KafkaFrontEnd eddy : new KafkaFrontEnd[] {secured, open}) {
            try (KafkaWire wire = KafkaWire.connect(eddy.port())) {
                ApiVersionsResponse versions = wire.call(new ApiVersionsRequest.Builder().build());

                ApiVersion handshake = versions.apiVersion(ApiKeys.SASL_HANDSHAKE.id);
                ApiVersion authenticate = versions.apiVersion(ApiKeys.SASL_AUTHENTICATE.id);
                assertThat(handshake.minVersion()).isEqualTo((short) 0);
                assertThat(handshake.maxVersion()).isEqualTo((short) 1);
                assertThat(authenticate.minVersion()).isEqualTo(ApiKeys.SASL_AUTHENTICATE.oldestVersion());
                assertThat(authenticate.maxVersion()).isEqualTo(ApiKeys.SASL_AUTHENTICATE.latestVersion());
            }
        }
    }

    @Test
    void withAccessControlOffTheSaslApisAreAnIllegalStateAsOnAPlaintextListener() throws Exception {
        try (KafkaWire wire = KafkaWire.connect(open.port())) {
            SaslHandshakeResponse handshake = wire.call(handshake("PLAIN"));
            SaslAuthenticateResponse authenticate =
                    wire.call(authenticate("\0" + Principals.ALICE + "\0" + Principals.ALICE_TOKEN));
            MetadataResponse metadata =
                    wire.call(MetadataRequest.Builder.allTopics().build());

            assertThat(handshake.error()).isEqualTo(Errors.ILLEGAL_SASL_STATE);
            assertThat(authenticate.error()).isEqualTo(Errors.ILLEGAL_SASL_STATE);
            assertThat(metadata.topicMetadata())
                    .extracting(MetadataResponse.TopicMetadata::topic)
                    .contains("orders");
        }
    }

    private static SaslHandshakeRequest handshake(String mechanism) {
        return handshake(mechanism, (short) 1);
    }

    private static SaslHandshakeRequest handshake(String mechanism, short version) {
        return new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism(mechanism)).build(version);
    }

    private static SaslAuthenticateRequest authenticate(String plain) {
        return new SaslAuthenticateRequest.Builder(
                        new SaslAuthenticateRequestData().setAuthBytes(plain.getBytes(StandardCharsets.UTF_8)))
                .build();
    }
}
