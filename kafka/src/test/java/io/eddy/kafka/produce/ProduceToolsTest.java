package io.eddy.kafka.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.eddy.core.model.Record;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.ApiHandlers;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaListener;
import io.eddy.kafka.KafkaServices;
import io.eddy.kafka.KafkaSettings;
import io.eddy.kafka.MetadataHandler;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.ConsoleProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Kafka's ConsoleProducer (in-process) and librdkafka's kcat (a process) producing through the front end. */
@ExtendWith(EddyStackExtension.class)
class ProduceToolsTest {
    private static final Path KCAT = Path.of("/usr/bin/kcat");

    private static KafkaFrontEnd eddy;
    /**
     * The produce APIs over the same core, with Fetch advertised (never called: {@code kcat -P} does not fetch):
     * librdkafka 2.0 writes v2 record batches only to a broker that lists both Produce v3 and Fetch v4, and falls
     * back to magic 0 messages otherwise. Once the front end answers Fetch, {@code eddy}'s own listener will do.
     */
    private static KafkaListener withFetchAdvertised;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
        KafkaServices services = eddy.services();
        withFetchAdvertised = KafkaListener.start(KafkaSettings.of("127.0.0.1", 0), false, self -> {
            KafkaErrors errors = new KafkaErrors();
            List<ApiHandler> handlers = new ArrayList<>(ProduceApis.handlers(services, self, errors));
            handlers.add(new MetadataHandler(services.topics(), () -> self, services.clusterId(), errors));
            handlers.add(new FetchNotCalled());
            return new ApiHandlers(handlers);
        });
    }

    @AfterAll
    static void stop() {
        if (withFetchAdvertised != null) {
            withFetchAdvertised.close();
        }
        if (eddy != null) {
            eddy.close();
        }
    }

    /** Advertises Fetch; answers nothing (fails, so the dispatcher answers Fetch's error response). */
    private static final class FetchNotCalled implements ApiHandler {
        @Override
        public ApiKeys apiKey() {
            return ApiKeys.FETCH;
        }

        @Override
        public short oldestVersion() {
            return ApiKeys.FETCH.oldestVersion();
        }

        @Override
        public short latestVersion() {
            return ApiKeys.FETCH.latestVersion(false);
        }

        @Override
        public Uni<ApiMessage> handle(DecodedRequest request) {
            return Uni.createFrom().failure(new UnsupportedVersionException("no Fetch in this test"));
        }
    }

    @Test
    void kcatProducesKeyedRecordsWithAHeaderToAPartition() throws Exception {
        if (!Files.isExecutable(KCAT)) {
            fail("kcat is not installed at " + KCAT + ": install the Debian package kcat (CI's .ci/run does)");
        }
        String topic = topic(3);
        File log = File.createTempFile("kcat", ".log");
        Process kcat = new ProcessBuilder(
                        KCAT.toString(),
                        "-P",
                        "-b",
                        "127.0.0.1:" + withFetchAdvertised.boundPort(),
                        "-t",
                        topic,
                        "-p",
                        "2",
                        "-K",
                        ":",
                        "-H",
                        "source=kcat",
                        "-X",
                        "message.timeout.ms=30000")
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        try (OutputStream stdin = kcat.getOutputStream()) {
            stdin.write("k1:first\nk2:second\nk3:third\n".getBytes(StandardCharsets.UTF_8));
        }
        if (!kcat.waitFor(60, TimeUnit.SECONDS)) {
            kcat.destroyForcibly();
            fail("kcat did not finish within 60 s; its output:%n%s", Files.readString(log.toPath()));
        }

        assertThat(kcat.exitValue())
                .as("kcat's exit code; its output:%n%s", Files.readString(log.toPath()))
                .isZero();
        List<Record> records = read(topic, 2, 3);
        assertThat(records).extracting(r -> text(r.key())).containsExactly("k1", "k2", "k3");
        assertThat(records).extracting(r -> text(r.value())).containsExactly("first", "second", "third");
        assertThat(records).extracting(Record::offset).containsExactly(0L, 1L, 2L);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.headers()).hasSize(1);
            assertThat(r.headers().get(0).name()).isEqualTo("source");
            assertThat(text(r.headers().get(0).value())).isEqualTo("kcat");
        });
    }

    @Test
    void consoleProducerWritesEachLineOfItsInputAsARecord() throws Exception {
        String topic = topic(1);
        AtomicInteger exitCode = new AtomicInteger(-1);
        List<Runnable> hooks = new ArrayList<>();
        InputStream stdin = System.in;
        Exit.setExitProcedure((code, message) -> exitCode.compareAndSet(-1, code));
        Exit.setShutdownHookAdder((name, hook) -> hooks.add(hook));
        try {
            System.setIn(new ByteArrayInputStream("alpha\nbeta\ngamma\n".getBytes(StandardCharsets.UTF_8)));
            ConsoleProducer.main(
                    new String[] {"--bootstrap-server", eddy.bootstrapServers(), "--topic", topic, "--sync"});
        } finally {
            System.setIn(stdin);
            hooks.forEach(Runnable::run); // closes its producer, as the JVM's exit would
            Exit.resetExitProcedure();
            Exit.resetShutdownHookAdder();
        }

        assertThat(exitCode).hasValue(0);
        assertThat(read(topic, 0, 3)).extracting(r -> text(r.value())).containsExactly("alpha", "beta", "gamma");
    }

    private static String topic(int partitions) {
        String name = "tools-" + UUID.randomUUID();
        eddy.topics().create(name, partitions, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        return name;
    }

    private static List<Record> read(String topic, int partition, int n) {
        return CoreReads.awaitRecords(eddy, topic, partition, n);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
