package io.eddy.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.client.EddyClientException;
import io.eddy.client.RecordMetadata;
import io.eddy.client.TopicPartition;
import io.eddy.client.http.EddyHttp;
import io.eddy.client.http.HttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.compress.Compression;

/**
 * The producer's machinery below serialization and partitioning: the threads and the I/O around four pieces of
 * state, each a class of its own with the decisions it makes.
 *
 * <ul>
 *   <li>{@link BufferMemory}: {@code buffer.memory}, appends wait up to {@code max.block.ms} for room;</li>
 *   <li>{@link RecordAccumulator}: per-partition batches filled up to {@code batch.size} or for {@code linger.ms};</li>
 *   <li>{@link InFlightBatches}: one request in flight per partition, retries waiting their turn;</li>
 *   <li>{@link ProducerSequences}: the idempotent producer's id, epoch and sequences;</li>
 * </ul>
 * and {@link BatchRetries}, which says whether a failed attempt is tried again. One sender thread turns ready
 * batches into binary frames, one request per topic ({@link ProduceRequest}).
 *
 * <p>Idempotence: the producer registers for an id and epoch, and every batch carries the partition's next
 * sequence, assigned once when the batch is built. A retry (retryable problem, 503, no connection, timeout)
 * sends the same bytes again, so the server answers a batch it already has with its original offsets. A
 * partition has one batch in flight at a time, so sequences reach the server in order. A batch that fails for
 * good with an unknown outcome (retries or delivery time used up), or {@code out_of_order_sequence}, makes the
 * engine bump its epoch once nothing is in flight, which restarts every partition's sequence at 0;
 * {@code producer_fenced} is fatal: every later send fails with it.
 *
 * <p>Thread-safe: one lock guards all the state above (the helper classes are not thread-safe themselves); it is
 * never held across a network call. Appending threads wait on the buffer's condition, {@link #flush()} on
 * {@code idle}, the sender on {@code work}.
 */
public final class ProducerEngine {
    /** Settings, checked by the producer. */
    public record Settings(
            String acks,
            int batchSize,
            Duration linger,
            Compression compression,
            boolean idempotent,
            RetryPolicy backoff,
            Duration deliveryTimeout,
            long bufferMemory,
            Duration maxBlock,
            int maxRequestSize) {}

    /** An appended record's future, and whether the batch it went into is now full (the sticky partition moves on). */
    public record Appended(CompletableFuture<RecordMetadata> future, boolean batchFull) {}

    /** What the sender does next, decided under the lock and done outside it. */
    private sealed interface Step permits Register, BumpEpoch, Send, Stop {}

    private record Register() implements Step {}

    private record BumpEpoch() implements Step {}

    private record Send(List<ProducerBatch> batches) implements Step {}

    private record Stop() implements Step {}

    private static final long MAX_IDLE_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN_WAIT_NS = 100_000;

    private final EddyHttp http;
    private final Settings settings;
    private final LongSupplier nanoClock = System::nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the sender may have something to do: an append, an answer, a flush or a close. */
    private final Condition work = lock.newCondition();
    /** Signalled when nothing may be queued or in flight any more, for {@link #flush()}. */
    private final Condition idle = lock.newCondition();

    private final BufferMemory buffer;
    private final RecordAccumulator accumulator;
    private final InFlightBatches inFlight = new InFlightBatches();
    private final ProducerSequences sequences = new ProducerSequences();
    private final BatchRetries retries;
    /** Set once the producer is fenced, or failed to bump its epoch: every later send fails with it. */
    private Optional<EddyClientException> fatal = Optional.empty();

    private int flushers;
    private boolean closing;
    private boolean forced;
    private final Thread sender;

    public ProducerEngine(EddyHttp http, Settings settings) {
        this.http = http;
        this.settings = settings;
        this.buffer = new BufferMemory(settings.bufferMemory(), lock, nanoClock);
        this.accumulator = new RecordAccumulator(settings.batchSize(), settings.linger(), settings.maxRequestSize());
        this.retries = new BatchRetries(
                settings.backoff(),
                settings.deliveryTimeout(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.sender = new Thread(this::run, "eddy-producer-sender");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /** Appends a record to its partition's open batch, waiting up to {@code max.block.ms} for buffer room. */
    public Appended append(TopicPartition tp, KafkaBatches.Entry entry) {
        int size = entry.estimatedSize();
        buffer.checkFits(size);
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        lock.lock();
        try {
            buffer.reserve(size, settings.maxBlock(), this::checkOpen);
            RecordAccumulator.Appended appended =
                    accumulator.append(tp, new ProducerBatch.Pending(entry, size, future), nanoClock.getAsLong());
            if (appended.wakeSender()) {
                work.signalAll();
            }
            return new Appended(future, appended.batchFull());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EddyClientException.client(
                    EddyClientException.CLOSED, "interrupted while waiting for buffer room", e);
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (fatal.isPresent()) {
            throw fatal.get();
        }
        if (closing) {
            throw EddyClientException.client(EddyClientException.CLOSED, "the producer is closed", null);
        }
    }

    /** Sends everything appended so far at once (linger ignored) and waits until every batch is done. */
    public void flush() {
        lock.lock();
        try {
            flushers++;
            work.signalAll();
            while (!accumulator.isEmpty() || !inFlight.isEmpty()) {
                idle.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EddyClientException.client(EddyClientException.CLOSED, "interrupted while flushing", e);
        } finally {
            flushers--;
            lock.unlock();
        }
    }

    /** Sends what is buffered and stops; after {@code timeout} what is left fails with {@code closed}. */
    public void close(Duration timeout) {
        locked(() -> {
            closing = true;
            work.signalAll();
            buffer.wakeWaiters();
        });
        try {
            sender.join(Math.max(1, timeout.toMillis()));
            if (sender.isAlive()) {
                locked(() -> {
                    forced = true;
                    work.signalAll();
                });
                sender.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the sender thread ---------------------------------------------------------------------------------

    private void run() {
        while (true) {
            Step step;
            lock.lock();
            try {
                step = nextStep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            if (step instanceof Register) {
                register();
            } else if (step instanceof BumpEpoch) {
                bump();
            } else if (step instanceof Send send) {
                send(send.batches());
            } else {
                return;
            }
        }
    }

    /** Waits until the sender has something to do, and says what. Called under the lock. */
    private Step nextStep() throws InterruptedException {
        while (true) {
            if (forced) {
                failEverything(EddyClientException.client(
                        EddyClientException.CLOSED,
                        "the producer was closed before the record was acknowledged",
                        null));
                return new Stop();
            }
            if (fatal.isPresent() && !accumulator.isEmpty()) {
                failQueued(fatal.get());
            }
            boolean anything = !accumulator.isEmpty() || inFlight.hasRetries();
            if (settings.idempotent() && !sequences.registered() && anything) {
                return new Register();
            }
            if (sequences.bumpWanted() && inFlight.isEmpty()) {
                return new BumpEpoch();
            }
            List<ProducerBatch> ready = collect();
            if (!ready.isEmpty()) {
                return new Send(ready);
            }
            if (closing && accumulator.isEmpty() && inFlight.isEmpty()) {
                idle.signalAll();
                return new Stop();
            }
            work.awaitNanos(nextWakeupNs());
        }
    }

    /**
     * Batches to send now: retries that are due, then (unless an epoch bump is owed) the ready batches of partitions
     * with nothing in flight, sealed; each keeps its partition in flight until it is done. Called under the lock.
     */
    private List<ProducerBatch> collect() {
        long now = nanoClock.getAsLong();
        List<ProducerBatch> out = inFlight.dueRetries(now);
        if (sequences.bumpWanted()) {
            return out;
        }
        out.addAll(accumulator.drain(now, closing || flushers > 0, inFlight::isBusy, this::seal));
        inFlight.claim(out);
        return out;
    }

    /** Builds a batch's bytes once, with its sequence if idempotent; answers their size. Called under the lock. */
    private int seal(ProducerBatch b) {
        List<KafkaBatches.Entry> entries = b.entries();
        if (settings.idempotent()) {
            int seq = sequences.assign(b.partition(), entries.size());
            b.seal(
                    KafkaBatches.batch(entries, settings.compression(), sequences.producerId(), sequences.epoch(), seq),
                    seq);
        } else {
            b.seal(KafkaBatches.batch(entries, settings.compression(), -1L, (short) -1, -1), -1);
        }
        return b.built().remaining();
    }

    private long nextWakeupNs() {
        long now = nanoClock.getAsLong();
        long next = Math.min(
                MAX_IDLE_NS,
                Math.min(inFlight.nanosUntilRetry(now), accumulator.nanosUntilLingerEnds(now, inFlight::isBusy)));
        return Math.max(next, MIN_WAIT_NS);
    }

    private void register() {
        try {
            JsonNode r = withRetries(() -> http.json("POST", "v1/producers", null));
            locked(() -> sequences.registered(
                    r.get("producer_id").asLong(), (short) r.get("epoch").asInt()));
        } catch (EddyClientException e) {
            locked(() -> failQueued(e));
        }
    }

    private void bump() {
        long id;
        short current;
        lock.lock();
        try {
            id = sequences.producerId();
            current = sequences.epoch();
        } finally {
            lock.unlock();
        }
        try {
            // the server bumps only the epoch presented, if it is the current one (a lost answer's retry presents
            // the same epoch and gets the bumped one back)
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("epoch", current);
            JsonNode r = withRetries(() -> http.json("POST", "v1/producers/" + id + "/epoch", body));
            locked(() -> sequences.bumped((short) r.get("epoch").asInt()));
        } catch (EddyClientException e) {
            locked(() -> {
                fatal = Optional.of(e);
                sequences.bumpAbandoned();
                failQueued(e);
            });
        }
    }

    private JsonNode withRetries(Supplier<CompletableFuture<JsonNode>> call) {
        for (int attempt = 0; ; attempt++) {
            try {
                return EddyHttp.await(call.get());
            } catch (EddyClientException e) {
                if (!retries.retryCall(e.retryable(), attempt)) {
                    throw e;
                }
                try {
                    Thread.sleep(retries.callBackoff(attempt).toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void send(List<ProducerBatch> ready) {
        for (ProduceRequest request : ProduceRequest.pack(ready, settings.maxRequestSize())) {
            post(request);
        }
    }

    private void post(ProduceRequest request) {
        List<ProducerBatch> batches = request.batches();
        List<KafkaBatches.Frame> frames = new ArrayList<>(batches.size());
        long now = nanoClock.getAsLong();
        locked(() -> inFlight.posted(batches));
        for (ProducerBatch b : batches) {
            frames.add(new KafkaBatches.Frame(b.partition().partition(), b.built()));
            b.attempted(now);
        }
        byte[] body = KafkaBatches.frames(frames);
        http.send(
                        "POST",
                        "v1/topics/" + EddyHttp.segment(request.topic()) + "/records?acks=" + settings.acks(),
                        EddyHttp.BATCHES,
                        body,
                        Map.of("Accept", "application/json"))
                .thenApply(EddyHttp::jsonOrThrow)
                .whenComplete((json, error) -> done(batches, json, error));
    }

    /** Takes a request's answer, on the HTTP client's thread. */
    private void done(List<ProducerBatch> batches, JsonNode json, Throwable error) {
        boolean ours;
        lock.lock();
        try {
            ours = inFlight.answered(batches); // false: failed by a forced close already
        } finally {
            lock.unlock();
        }
        if (!ours) {
            return;
        }
        if (error == null) {
            JsonNode answered = json == null ? null : json.get("batches");
            for (int i = 0; i < batches.size(); i++) {
                long base = answered == null || answered.size() <= i
                        ? -1
                        : answered.get(i).path("base_offset").asLong(-1);
                batches.get(i).complete(base);
            }
            finish(batches);
            return;
        }
        EddyClientException e = error instanceof EddyClientException ece
                ? ece
                : EddyHttp.failure(error, new HttpTransport.Request("POST", http.base(), Map.of(), null));
        long now = nanoClock.getAsLong();
        List<ProducerBatch> failed = new ArrayList<>();
        Map<TopicPartition, List<ProducerBatch>> byPartition = new LinkedHashMap<>();
        batches.forEach(b -> byPartition
                .computeIfAbsent(b.partition(), k -> new ArrayList<>())
                .add(b));
        lock.lock();
        try {
            for (var entry : byPartition.entrySet()) {
                // a partition's batches are retried or fail together: their sequences follow on
                List<ProducerBatch> mine = entry.getValue();
                ProducerBatch first = mine.get(0);
                BatchRetries.Decision decision =
                        retries.afterFailure(e.retryable(), first.attempts(), first.firstSentNs(), now, forced);
                if (decision instanceof BatchRetries.Retry retry) {
                    inFlight.retryAt(entry.getKey(), mine, retry.atNs());
                    continue;
                }
                failed.addAll(mine);
                if (settings.idempotent()
                        && sequences.failed(first.partition(), first.baseSequence(), e.code(), e.retryable())
                                == ProducerSequences.Effect.FENCED) {
                    fatal = Optional.of(e);
                }
            }
            work.signalAll();
        } finally {
            lock.unlock();
        }
        failed.forEach(b -> b.fail(e));
        finish(failed);
    }

    /** Frees the batches' partitions and buffer room. */
    private void finish(List<ProducerBatch> batches) {
        if (batches.isEmpty()) {
            return;
        }
        locked(() -> {
            for (ProducerBatch b : batches) {
                inFlight.free(b.partition());
                buffer.release(b.bytes());
            }
            work.signalAll();
            buffer.wakeWaiters();
            if (accumulator.isEmpty() && inFlight.isEmpty()) {
                idle.signalAll();
            }
        });
    }

    /** Fails every batch not yet sent and frees its room. Called under the lock. */
    private void failQueued(EddyClientException e) {
        List<ProducerBatch> queued = accumulator.removeAll();
        queued.forEach(b -> buffer.release(b.bytes()));
        queued.forEach(b -> b.fail(e));
        buffer.wakeWaiters();
        if (inFlight.isEmpty()) {
            idle.signalAll();
        }
    }

    /** Fails every batch, sent or not, for a forced close. Called under the lock. */
    private void failEverything(EddyClientException e) {
        failQueued(e);
        inFlight.abandonAll().forEach(b -> b.fail(e));
        idle.signalAll();
    }

    private void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }
}
