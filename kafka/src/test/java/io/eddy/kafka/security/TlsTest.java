package io.eddy.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaSettings;
import io.eddy.kafka.KafkaTls;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The listener with TLS from PEM files (a certificate made by keytool when the test starts): SASL_SSL with
 * kafka-clients and kcat trusting that certificate, and TLS refused to clients that do not trust it.
 */
@ExtendWith(EddyStackExtension.class)
class TlsTest {
    private static Path dir;
    private static TestCertificates certificates;
    private static KafkaFrontEnd eddy;

    @BeforeAll
    static void start(EddyStack stack) throws Exception {
        dir = Files.createTempDirectory("eddy-kafka-tls");
        certificates = TestCertificates.generate(dir);
        eddy = new KafkaFrontEnd(
                stack,
                KafkaSettings.of("127.0.0.1", 0).withTls(certificates.tls()),
                Optional.of(Principals.identities()));
        for (String topic : List.of("orders", "secret")) {
            eddy.topics().create(topic, 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (eddy != null) {
            eddy.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void adminOverSaslSslTrustingTheCertificateSeesItsTopics() throws Exception {
        Map<String, Object> config = new HashMap<>(trusting(certificates.certificate()));
        config.putAll(Principals.plain("SASL_SSL", Principals.ALICE, Principals.ALICE_TOKEN));
        try (Admin alice = admin(config)) {
            assertThat(alice.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactly("orders");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
        Map<String, Object> config =
                new HashMap<>(Principals.plain("SASL_SSL", Principals.ALICE, Principals.ALICE_TOKEN));
        try (Admin untrusting = admin(config)) {
            assertThatThrownBy(() -> untrusting.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void kcatOverSaslSslListsTheMetadataItsPrincipalMaySee() throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "-L",
                "-b",
                eddy.bootstrapServers(),
                "-m",
                "30",
                "-X",
                "ssl.ca.location=" + certificates.certificate()));
        args.addAll(Kcat.plain("SASL_SSL", Principals.ALICE, Principals.ALICE_TOKEN));

        Kcat.Run run = Kcat.run(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("topic \"orders\" with 1 partitions").doesNotContain("secret");
    }

    @Test
    void missingPemFilesFailTheListenerAtStart() {
        KafkaTls missing = new KafkaTls(dir.resolve("absent.pem"), certificates.privateKey());

        assertThatThrownBy(missing::serverContext)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absent.pem");
    }

    @Test
    void aKeyThatIsNotPemFailsTheListenerAtStart() {
        KafkaTls swapped = new KafkaTls(certificates.certificate(), certificates.certificate());

        assertThatThrownBy(swapped::serverContext).isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, Object> trusting(Path certificate) {
        return Map.of("ssl.truststore.type", "PEM", "ssl.truststore.location", certificate.toString());
    }

    private static Admin admin(Map<String, Object> security) {
        return Principals.admin(eddy.bootstrapServers(), security);
    }
}
