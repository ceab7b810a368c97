package io.eddy.chaos;

import io.eddy.testkit.EddyStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * The stack the scenarios run on, and one scenario's run. The stand-ins (shared, {@link EddyStack}) sit behind two
 * {@link FaultProxy}s; Eddy servers are child processes ({@link ServerProcess}) whose AWS endpoints are the proxies.
 * One server serves every scenario; {@code server-sigkill} kills and restarts it; {@code server-pause} adds a second
 * server (same table and bucket) and stops the first. Servers run with short leader leases (2 s), a 1 s minimum
 * group session and a 2 s SDK attempt timeout, so the faults' consequences show within seconds. Not thread-safe.
 */
public final class ChaosRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ChaosRunner.class.getName());
    static final Duration LEASE = Duration.ofSeconds(2);
    static final Duration PAUSE = Duration.ofSeconds(5);

    /** One scenario's outcome. */
    public record Result(
            Scenario scenario,
            long seed,
            double seconds,
            Checker.Verdict verdict,
            Map<String, Long> s3Faults,
            Map<String, Long> dynamoFaults,
            long memberCrashes,
            long pollErrors,
            long compactions,
            long compactionFailures,
            long slowAcks,
            Map<String, Long> sendFailures,
            long downMillis,
            long topicsCreated,
            long topicsDeleted,
            long partitionsPurged) {}

    private final EddyStack stack;
    private final FaultProxy s3;
    private final FaultProxy dynamo;
    private final Path logs;
    private final Map<String, String> serverProperties;
    private final Path jar;
    private final ServerProcess first;
    private ServerProcess second;
    private final HttpClient http = HttpClient.newHttpClient();

    private ChaosRunner(EddyStack stack, FaultProxy s3, FaultProxy dynamo, Path logs, Path jar) {
        this.stack = stack;
        this.s3 = s3;
        this.dynamo = dynamo;
        this.logs = logs;
        this.jar = jar;
        Map<String, String> props = new HashMap<>(stack.eddyConfig());
        props.put("eddy.aws.dynamodb-endpoint", dynamo.endpoint().toString());
        props.put("eddy.aws.s3-endpoint", s3.endpoint().toString());
        props.put("eddy.aws.api-call-attempt-timeout", Scenario.ATTEMPT_TIMEOUT_MILLIS + "ms");
        props.put("eddy.produce.lease-duration", LEASE.toMillis() + "ms");
        props.put("eddy.groups.min-session-timeout", "1s");
        props.put("eddy.compactor.scheduled", "false");
        props.put("quarkus.log.category.\"io.eddy\".level", "WARN");
        this.serverProperties = props;
        this.first = ServerProcess.start(jar, ServerProcess.freePort(), props, logs.resolve("server-1.log"));
    }

    /** Starts proxies in front of the shared stand-ins and one server; {@code logs} receives the servers' output. */
    public static ChaosRunner start(Path logs) throws IOException {
        Path jar = ServerProcess.serverJar();
        EddyStack stack = EddyStack.create(EddyStack.uniqueName("chaos"), EddyStack.uniqueName("chaos"));
        FaultProxy s3 = FaultProxy.start(FaultPlan.Service.S3, stack.s3Endpoint(), 1);
        FaultProxy dynamo = FaultProxy.start(FaultPlan.Service.DYNAMODB, stack.dynamoEndpoint(), 2);
        try {
            return new ChaosRunner(stack, s3, dynamo, logs, jar);
        } catch (RuntimeException e) {
            s3.close();
            dynamo.close();
            throw e;
        }
    }

    /** The producers' request timeout: 5 s unless {@code eddy.chaos.request-timeout-ms} says otherwise. */
    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(Long.getLong("eddy.chaos.request-timeout-ms", 5_000));

    /** Runs {@code scenario} for {@code duration} with producers sending {@code rate} records/s each. */
    public Result run(Scenario scenario, Duration duration, int rate, long seed) throws InterruptedException {
        long started = System.nanoTime();
        String name = scenario.label() + "-" + Long.toHexString(seed & 0xffff) + "-"
                + Long.toHexString(System.nanoTime() & 0xffffff);
        String topic = "chaos-" + name;
        List<URI> urls = new ArrayList<>(List.of(first.url()));
        if (scenario.process() == Scenario.ProcessFault.PAUSE) {
            if (second == null) {
                second = ServerProcess.start(
                        jar, ServerProcess.freePort(), serverProperties, logs.resolve("server-2.log"));
            }
            urls.add(second.url());
        }
        createTopic(topic);
        s3.resetCounts();
        dynamo.resetCounts();
        s3.plan(scenario.plan(), seed);
        dynamo.plan(scenario.plan(), seed + 1);
        Workload workload = new Workload(new Workload.Settings(
                topic, "group-" + name, urls, rate, duration, seed, REQUEST_TIMEOUT, scenario.topicChurn()));
        java.util.concurrent.atomic.AtomicLong downMillis = new java.util.concurrent.atomic.AtomicLong();
        Thread processFault = processFault(scenario, duration, downMillis);
        History history;
        try {
            history = workload.run(() -> {
                s3.plan(FaultPlan.none(), seed);
                dynamo.plan(FaultPlan.none(), seed);
                joinQuietly(processFault);
            });
        } finally {
            s3.plan(FaultPlan.none(), seed);
            dynamo.plan(FaultPlan.none(), seed);
        }
        Checker.Verdict verdict = Checker.check(history);
        for (History churned : workload.churned()) {
            verdict = verdict.plus(Checker.check(churned)); // every churned topic alive at the end, on its own
        }
        return new Result(
                scenario,
                seed,
                (System.nanoTime() - started) / 1e9,
                verdict,
                s3.counts(),
                dynamo.counts(),
                workload.crashes.get(),
                workload.pollErrors.get(),
                workload.compactions.get(),
                workload.compactionFailures.get(),
                workload.slowAcks.get(),
                Map.copyOf(workload.failures),
                downMillis.get(),
                workload.churn.stream().mapToLong(c -> c.created.get()).sum(),
                workload.churn.stream().mapToLong(c -> c.deleted.get()).sum(),
                workload.partitionsPurged.get());
    }

    /** A third into the load: SIGKILL and restart the first server, or stop it for {@link #PAUSE}. */
    private Thread processFault(
            Scenario scenario, Duration duration, java.util.concurrent.atomic.AtomicLong downMillis) {
        if (scenario.process() == Scenario.ProcessFault.NONE) {
            return null;
        }
        Thread t = new Thread(
                () -> {
                    LockSupport.parkNanos(duration.toNanos() / 3);
                    long down = System.nanoTime();
                    if (scenario.process() == Scenario.ProcessFault.SIGKILL) {
                        LOG.info("SIGKILL server " + first.pid());
                        first.kill();
                        LOG.info(
                                "server gone after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down) + " ms");
                        try {
                            first.restart();
                        } finally {
                            downMillis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down));
                            LOG.info("server answering again after " + downMillis.get() + " ms");
                        }
                    } else {
                        LOG.info("SIGSTOP server " + first.pid() + " for " + PAUSE);
                        first.pause();
                        try {
                            LockSupport.parkNanos(PAUSE.toNanos());
                        } finally {
                            first.resume();
                            downMillis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down));
                        }
                    }
                },
                "chaos-process-fault");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void createTopic(String topic) throws InterruptedException {
        HttpRequest put = HttpRequest.newBuilder(first.url().resolve("/v1/topics/" + topic))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"partitions\": " + Workload.PARTITIONS + ", \"config\": {\"retention.ms\": -1}}"))
                .build();
        try {
            HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 201) {
                throw new IllegalStateException("creating " + topic + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("creating " + topic + " failed", e);
        }
    }

    private static void joinQuietly(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(TimeUnit.MINUTES.toMillis(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            if (second != null) {
                second.close();
            }
        } finally {
            try {
                first.close();
            } finally {
                s3.close();
                dynamo.close();
            }
        }
    }
}
