package io.eddy.kafka;

import io.eddy.core.auth.Identities;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.format.InflateLimits;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.consumer.ConsumerGroupSettings;
import io.eddy.kafka.group.ClassicSettings;
import io.eddy.testkit.EddyStack;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One instance of the Kafka front end over the stand-ins, wired as the server wires it: core as one process
 * (group commit at 5 ms, leader leases), consumer groups, a validation pool, and a listener on a free port of
 * 127.0.0.1 answering every API of {@link KafkaApis}. Two front ends on one stack share only the table and the
 * bucket, as two instances behind a load balancer do.
 */
public final class KafkaFrontEnd implements AutoCloseable {
    public static final Duration AWAIT = Duration.ofSeconds(30);

    private final CoreInstance core;
    private final ExecutorService validation = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "test-kafka-validate");
        t.setDaemon(true);
        return t;
    });
    private final KafkaServices services;
    private final KafkaListener listener;
    private Admin admin;

    public KafkaFrontEnd(EddyStack stack, KafkaSettings settings, Optional<Identities> identities) {
        this(stack, settings, identities, ConsumerGroupSettings.defaults());
    }

    /** With KIP-848 groups' settings of its own (a short session, to see a member that died removed). */
    public KafkaFrontEnd(
            EddyStack stack,
            KafkaSettings settings,
            Optional<Identities> identities,
            ConsumerGroupSettings consumerGroups) {
        this(stack, settings, identities, consumerGroups, UnaryOperator.identity());
    }

    /** With core wired differently (e.g. S3 PUTs held, to see what a client is told while a commit waits). */
    public KafkaFrontEnd(EddyStack stack, UnaryOperator<CoreInstance.Builder> tune) {
        this(stack, KafkaSettings.of("127.0.0.1", 0), Optional.empty(), ConsumerGroupSettings.defaults(), tune);
    }

    private KafkaFrontEnd(
            EddyStack stack,
            KafkaSettings settings,
            Optional<Identities> identities,
            ConsumerGroupSettings consumerGroups,
            UnaryOperator<CoreInstance.Builder> tune) {
        this.core = tune.apply(CoreInstance.on(stack)
                        .groupCommit(Duration.ofMillis(5), 8 << 20)
                        .leases("kafka-test-" + UUID.randomUUID(), Duration.ofSeconds(10)))
                .start()
                .ensureResources();
        this.services = new KafkaServices(
                core.topics(),
                core.produce(),
                core.producers(),
                validation,
                InflateLimits.DEFAULT,
                core.fetch(),
                core.groups(),
                identities,
                ClusterId.resolve(core.metadata()).await().atMost(AWAIT),
                core.clock());
        this.listener = KafkaListener.start(
                settings,
                identities.isPresent(),
                self -> KafkaApis.all(services, self, ClassicSettings.defaults(), consumerGroups));
    }

    public KafkaFrontEnd(EddyStack stack) {
        this(stack, KafkaSettings.of("127.0.0.1", 0), Optional.empty());
    }

    /** Core as this instance wires it: to create topics, produce or read around the Kafka protocol. */
    public CoreInstance core() {
        return core;
    }

    public KafkaServices services() {
        return services;
    }

    public TopicService topics() {
        return core.topics();
    }

    public ClusterId clusterId() {
        return services.clusterId();
    }

    public int port() {
        return listener.boundPort();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port();
    }

    /**
     * kafka-clients' Admin pointed at this front end, with timeouts a slow box meets: made on first call, closed
     * with the front end.
     */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
        }
        return admin;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (admin != null) {
                admin.close();
            }
        }
        listener.close();
        validation.shutdownNow();
        core.close();
    }
}
