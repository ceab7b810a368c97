package io.eddy.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaSettings;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka's own clients (kafka-clients' Admin, librdkafka's kcat) authenticating with SASL/PLAIN over plain TCP,
 * and seeing only what their principal's grants allow.
 */
@ExtendWith(EddyStackExtension.class)
class SaslClientsTest {
    private static KafkaFrontEnd eddy;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack, KafkaSettings.of("127.0.0.1", 0), Optional.of(Principals.identities()));
        for (String topic : List.of("orders", "payments", "secret", "alice-events")) {
            eddy.topics().create(topic, 2, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        }
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @Test
    void adminWithAGoodTokenListsOnlyTheTopicsItsPrincipalHoldsAGrantOn() throws Exception {
        try (Admin alice = admin(Principals.plain("SASL_PLAINTEXT", Principals.ALICE, Principals.ALICE_TOKEN));
                Admin bob = admin(Principals.plain("SASL_PLAINTEXT", Principals.BOB, Principals.BOB_TOKEN))) {
            assertThat(alice.listTopics().names().get(30, TimeUnit.SECONDS))
                    .containsExactlyInAnyOrder("orders", "alice-events");
            assertThat(bob.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactly("payments");
        }
    }

    @Test
    void describingATopicWithoutAGrantFailsWithTopicAuthorization() throws Exception {
        try (Admin alice = admin(Principals.plain("SASL_PLAINTEXT", Principals.ALICE, Principals.ALICE_TOKEN))) {
            assertThat(alice.describeTopics(List.of("orders"))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .get("orders")
                            .partitions())
                    .hasSize(2);
            for (String topic : List.of("secret", "no-such-topic")) {
                assertThatThrownBy(() -> alice.describeTopics(List.of(topic))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS))
                        .as(topic)
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void aWrongPasswordFailsWithSaslAuthentication() {
        try (Admin wrong = admin(Principals.plain("SASL_PLAINTEXT", Principals.ALICE, "not-alices-token"))) {
            assertThatThrownBy(() -> wrong.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("Invalid username or password");
        }
    }

    @Test
    void aClientWithoutSaslIsDisconnectedAndTimesOutWithoutSeeingAnything() throws Exception {
        Map<String, Object> plaintext = Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin anonymous = admin(plaintext)) {
            assertThatThrownBy(() -> anonymous.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        try (Admin alice = admin(Principals.plain("SASL_PLAINTEXT", Principals.ALICE, Principals.ALICE_TOKEN))) {
            assertThat(alice.listTopics().names().get(30, TimeUnit.SECONDS)).contains("orders");
        }
    }

    @Test
    void kcatWithSaslPlainListsTheMetadataItsPrincipalMaySee() throws Exception {
        List<String> args = new ArrayList<>(List.of("-L", "-b", eddy.bootstrapServers(), "-m", "30"));
        args.addAll(Kcat.plain("SASL_PLAINTEXT", Principals.ALICE, Principals.ALICE_TOKEN));

        Kcat.Run run = Kcat.run(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("topic \"orders\" with 2 partitions", "topic \"alice-events\" with 2 partitions")
                .doesNotContain("payments", "secret");
    }

    @Test
    void kcatWithAWrongPasswordFails() throws Exception {
        List<String> args = new ArrayList<>(List.of("-L", "-b", eddy.bootstrapServers(), "-m", "10"));
        args.addAll(Kcat.plain("SASL_PLAINTEXT", Principals.ALICE, "not-alices-token"));

        Kcat.Run run = Kcat.run(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("Authentication failed");
    }

    private static Admin admin(Map<String, Object> security) {
        return Principals.admin(eddy.bootstrapServers(), security);
    }
}
