package io.eddy.server;

import io.eddy.core.fetch.FetchService;
import io.eddy.core.format.InflateLimits;
import io.eddy.core.group.GroupService;
import io.eddy.core.produce.ProduceService;
import io.eddy.core.produce.ProducerRegistry;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.topic.TopicService;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.ClusterId;
import io.eddy.kafka.KafkaApis;
import io.eddy.kafka.KafkaListener;
import io.eddy.kafka.KafkaServices;
import io.eddy.kafka.KafkaSettings;
import io.eddy.kafka.KafkaTls;
import io.eddy.kafka.TopicIds;
import io.eddy.kafka.consumer.ConsumerGroupSettings;
import io.eddy.kafka.group.ClassicSettings;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.auth.AccessControl;
import io.eddy.runtime.metrics.EddyMeters;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs the Kafka protocol's listener in the server ({@code eddy.kafka.enabled}, on by default): at start-up it builds
 * the front end's {@link KafkaServices} from the beans the HTTP functions use (one store, one write path, one group
 * store behind both faces), binds, and logs the {@code bootstrap.servers} line; at shutdown it closes the listener
 * and its validation pool. Thread-safe: its state is set once at start-up and read after.
 */
@ApplicationScoped
public class KafkaStartup {
    private static final Logger LOG = Logger.getLogger(KafkaStartup.class);

    private final KafkaConfig kafka;
    private final EddyConfig config;
    private final TopicService topics;
    private final ProduceService produce;
    private final ProducerRegistry producers;
    private final FetchService fetch;
    private final GroupService groups;
    private final AccessControl access;
    private final MetadataStore metadata;
    private final Clock clock;
    private final EddyMeters meters;
    private volatile Optional<Running> running = Optional.empty();

    /** The listener and the pool that validates its produces, closed together. */
    private record Running(KafkaListener listener, ExecutorService validation) {}

    public KafkaStartup(
            KafkaConfig kafka,
            EddyConfig config,
            TopicService topics,
            ProduceService produce,
            ProducerRegistry producers,
            FetchService fetch,
            GroupService groups,
            AccessControl access,
            MetadataStore metadata,
            Clock clock,
            EddyMeters meters) {
        this.kafka = kafka;
        this.config = config;
        this.topics = topics;
        this.produce = produce;
        this.producers = producers;
        this.fetch = fetch;
        this.groups = groups;
        this.access = access;
        this.metadata = metadata;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * After the default-priority observers, among them the one that creates the table where it is missing: the
     * cluster id is read (or stored) there.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        if (!kafka.enabled()) {
            LOG.info("Kafka protocol listener off (eddy.kafka.enabled=false)");
            return;
        }
        ExecutorService validation = validationPool();
        try {
            KafkaServices services = services(validation);
            ConsumerGroupSettings groups = new ConsumerGroupSettings(kafka.consumerSessionTimeout());
            ClassicSettings classic = classicSettings(kafka);
            KafkaMeters metered = new KafkaMeters(meters, new TopicIds(topics));
            KafkaListener listener = KafkaListener.start(
                    settings(kafka),
                    services.identities().isPresent(),
                    self -> KafkaApis.all(services, self, classic, groups).decorated(metered::decorate));
            running = Optional.of(new Running(listener, validation));
            BrokerNode node = listener.advertised();
            LOG.infof("Kafka clients: bootstrap.servers=%s:%d", node.host(), node.port());
        } catch (RuntimeException e) {
            validation.shutdownNow();
            throw new IllegalStateException(
                    "cannot listen for Kafka clients on " + kafka.host() + ":" + kafka.port()
                            + " (eddy.kafka.port; 0 picks a free port, eddy.kafka.enabled=false turns it off)",
                    e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running.ifPresent(r -> {
            r.listener().close();
            r.validation().shutdown();
            awaitQuietly(r.validation());
        });
        running = Optional.empty();
    }

    /** The running listener's advertised address, as clients' {@code bootstrap.servers}; empty when it is off. */
    public Optional<String> bootstrapServers() {
        return running.map(r -> r.listener().advertised().host() + ":"
                + r.listener().advertised().port());
    }

    /** The classic group protocol's broker settings from {@code eddy.kafka.*}; a Kafka broker's otherwise. */
    static ClassicSettings classicSettings(KafkaConfig kafka) {
        return ClassicSettings.defaults().withInitialRebalanceDelay(kafka.groupInitialRebalanceDelay());
    }

    /** The listener's settings from {@code eddy.kafka.*}. */
    static KafkaSettings settings(KafkaConfig kafka) {
        KafkaSettings settings = KafkaSettings.of(kafka.host(), kafka.port())
                .withAdvertised(
                        kafka.advertisedHost().orElseGet(() -> AdvertisedHost.defaultFor(kafka.host())),
                        kafka.advertisedPort().orElse(0))
                .withMaxRequestBytes(kafka.maxRequestBytes())
                .withIdleTimeout(kafka.idleTimeout());
        Optional<Path> certificate = kafka.tls().certificateFile();
        Optional<Path> key = kafka.tls().keyFile();
        if (certificate.isPresent() != key.isPresent()) {
            throw new IllegalStateException(
                    "eddy.kafka.tls.certificate-file and eddy.kafka.tls.key-file go together: set both or neither");
        }
        return certificate.isPresent() ? settings.withTls(new KafkaTls(certificate.get(), key.get())) : settings;
    }

    private KafkaServices services(ExecutorService validation) {
        EddyConfig.Produce p = config.produce();
        return new KafkaServices(
                topics,
                produce,
                producers,
                validation,
                new InflateLimits(p.maxInflatedBatchBytes(), p.maxInflatedRequestBytes()),
                fetch,
                groups,
                access.identities(),
                clusterId(),
                clock);
    }

    /**
     * The deployment's cluster id, the same from every instance and every restart: stored once in the table by
     * the first instance that needs it, read by every other.
     */
    private ClusterId clusterId() {
        return ClusterId.resolve(metadata).await().atMost(Duration.ofSeconds(30));
    }

    /** Validation decompresses: a pool of its own, sized as the HTTP produce's ({@code eddy.produce.validation-threads}). */
    private ExecutorService validationPool() {
        int threads =
                config.produce().validationThreads().orElse(Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "eddy-kafka-validate-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
