package io.eddy.kafka.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaSettings;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The grants enforced end to end on Kafka's own clients authenticated with SASL/PLAIN: producing, consuming (the
 * topic and the group) and administering topics, each refused with Kafka's own authorization error where the
 * principal's grants do not reach (see {@link Principals}).
 */
@ExtendWith(EddyStackExtension.class)
class AuthorizationTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static KafkaFrontEnd eddy;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack, KafkaSettings.of("127.0.0.1", 0), Optional.of(Principals.identities()));
        for (String topic : List.of("orders", "payments")) {
            eddy.topics().create(topic, 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        }
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @Test
    void aGrantedIdempotentProducerWritesAndAGrantedGroupConsumerReadsItBack() throws Exception {
        RecordMetadata written;
        try (KafkaProducer<String, String> alice = producer(Principals.ALICE, Principals.ALICE_TOKEN, true)) {
            written = alice.send(new ProducerRecord<>("orders", "k", "granted")).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> alice = consumer(Principals.ALICE, Principals.ALICE_TOKEN, "billing")) {
            alice.subscribe(List.of("orders"));

            assertThat(pollUntilFound(alice, "granted")).isTrue();
            alice.commitSync();
        }
        assertThat(written.topic()).isEqualTo("orders");
    }

    @Test
    void producingToATopicWithoutAnyGrantFailsWithTopicAuthorization() {
        try (KafkaProducer<String, String> alice = producer(Principals.ALICE, Principals.ALICE_TOKEN, true)) {
            assertThatThrownBy(() ->
                            alice.send(new ProducerRecord<>("payments", "nope")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void producingToATopicOneMayOnlyReadFailsWithTopicAuthorization() {
        // bob sees payments (he may consume it), so the refusal is the Produce handler's, not Metadata's
        try (KafkaProducer<String, String> bob = producer(Principals.BOB, Principals.BOB_TOKEN, false)) {
            assertThatThrownBy(() ->
                            bob.send(new ProducerRecord<>("payments", "nope")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void readingATopicOneMayOnlyWriteFailsWithTopicAuthorization() {
        // carol sees orders (she may produce to it), so the refusal is the read path's, not Metadata's
        try (KafkaConsumer<String, String> carol = consumer(Principals.CAROL, Principals.CAROL_TOKEN, "carol-g")) {
            carol.assign(List.of(new TopicPartition("orders", 0)));
            carol.seekToBeginning(List.of(new TopicPartition("orders", 0)));

            assertThatThrownBy(() -> pollUntilFound(carol, "never")).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void readingATopicWithoutAnyGrantFailsWithTopicAuthorization() {
        try (KafkaConsumer<String, String> bob = consumer(Principals.BOB, Principals.BOB_TOKEN, "billing")) {
            bob.assign(List.of(new TopicPartition("orders", 0)));

            assertThatThrownBy(() -> pollUntilFound(bob, "never")).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void consumingInAGroupWithoutItsGrantFailsWithGroupAuthorization(String protocol) {
        Map<String, Object> extra = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        try (KafkaConsumer<String, String> alice =
                consumer(Principals.ALICE, Principals.ALICE_TOKEN, "not-alices-group", extra)) {
            alice.subscribe(List.of("orders"));

            assertThatThrownBy(() -> pollUntilFound(alice, "never")).isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    void describingOrDeletingAGroupWithoutItsGrantFailsWithGroupAuthorization() {
        try (Admin bob = admin(Principals.BOB, Principals.BOB_TOKEN)) {
            assertThatThrownBy(() ->
                            bob.describeConsumerGroups(List.of("billing")).all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(GroupAuthorizationException.class);
            assertThatThrownBy(() ->
                            bob.deleteConsumerGroups(List.of("billing")).all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    void topicsAreCreatedAndDeletedOnlyWhereTheAdminGrantReaches() throws Exception {
        try (Admin alice = admin(Principals.ALICE, Principals.ALICE_TOKEN)) {
            alice.createTopics(List.of(new NewTopic("alice-new", 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> alice.createTopics(List.of(new NewTopic("bobs-new", 2, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> alice.deleteTopics(List.of("orders")).all().get(30, TimeUnit.SECONDS))
                    .as("alice produces and consumes orders but may not delete it")
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
            alice.deleteTopics(List.of("alice-new")).all().get(30, TimeUnit.SECONDS);
        }
        assertThat(eddy.topics().list().await().atMost(KafkaFrontEnd.AWAIT))
                .extracting(t -> t.name().value())
                .contains("orders")
                .doesNotContain("alice-new", "bobs-new");
    }

    /** Polls until a record of {@code value} arrives or the deadline passes; rethrows what poll throws. */
    private static boolean pollUntilFound(KafkaConsumer<String, String> consumer, String value) {
        Instant deadline = Instant.now().plus(DEADLINE);
        List<String> seen = new ArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                seen.add(record.value());
            }
            if (seen.contains(value)) {
                return true;
            }
        }
        return false;
    }

    private static KafkaProducer<String, String> producer(String user, String token, boolean idempotent) {
        Map<String, Object> config = new HashMap<>(Principals.plain("SASL_PLAINTEXT", user, token));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, eddy.bootstrapServers());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent);
        config.put(ProducerConfig.ACKS_CONFIG, idempotent ? "all" : "1");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(config);
    }

    private static KafkaConsumer<String, String> consumer(String user, String token, String group) {
        return consumer(user, token, group, Map.of());
    }

    private static KafkaConsumer<String, String> consumer(
            String user, String token, String group, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Principals.plain("SASL_PLAINTEXT", user, token));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, eddy.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.putAll(extra);
        return new KafkaConsumer<>(config);
    }

    private static Admin admin(String user, String token) {
        return Principals.admin(eddy.bootstrapServers(), Principals.plain("SASL_PLAINTEXT", user, token));
    }
}
