package io.eddy.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.client.EddyClientException;
import io.eddy.client.RecordMetadata;
import io.eddy.client.TopicPartition;
import io.eddy.client.http.EddyHttp;
import io.eddy.client.http.HttpTransport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.compress.Compression;

/**
 * The producer's machinery below serialization and partitioning: per-partition batches filled up to
 * {@code batch.size} or for {@code linger.ms}, a bounded buffer ({@code buffer.memory}) that makes appends wait up
 * to {@code max.block.ms}, and one sender thread that sends ready batches as binary frames, one request per topic.
 *
 * <p>Idempotence: the producer registers for an id and epoch, and every batch carries the partition's next
 * sequence, assigned once when the batch is built. A retry (retryable problem, 503, no connection, timeout)
 * sends the same bytes again, so the server answers a batch it already has with its original offsets. A
 * partition has one batch in flight at a time, so sequences reach the server in order. A batch that fails for
 * good with an unknown outcome (retries or delivery time used up), or {@code out_of_order_sequence}, makes the
 * engine bump its epoch once nothing is in flight, which restarts every partition's sequence at 0;
 * {@code producer_fenced} is fatal: every later send fails with it. Thread-safe.
 */
public final class ProducerEngine {
    /** Settings, checked by the producer. */
    public record Settings(String acks, int batchSize, Duration linger, Compression compression, boolean idempotent,
                           RetryPolicy backoff, Duration deliveryTimeout, long bufferMemory, Duration maxBlock,
                           int maxRequestSize) {
    }

    private record Pending(KafkaBatches.Entry entry, int size, CompletableFuture<RecordMetadata> future) {
    }

    private static final class Batch {
        final TopicPartition tp;
        final List<Pending> records = new ArrayList<>();
        final long createdNs;
        int bytes;
        ByteBuffer built;
        int baseSequence = -1;
        int attempts;
        long firstSentNs;
        long nextAttemptNs;

        Batch(TopicPartition tp, long now) {
            this.tp = tp;
            this.createdNs = now;
        }
    }

    private final EddyHttp http;
    private final Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition space = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final Map<TopicPartition, Deque<Batch>> queued = new LinkedHashMap<>();
    private final Set<TopicPartition> inFlight = new HashSet<>();
    /** A partition's batches waiting to be sent again, in sequence order; they keep the partition in flight. */
    private final Map<TopicPartition, List<Batch>> retrying = new HashMap<>();
    /** Batches sent and not answered yet, so a forced close can fail them. */
    private final Set<Batch> sent = new HashSet<>();
    private final Map<TopicPartition, Integer> sequences = new HashMap<>();
    private long bufferUsed;
    private long producerId = -1;
    private short epoch;
    private boolean bumpEpoch;
    private EddyClientException fatal;
    private int flushers;
    private boolean closing;
    private boolean forced;
    private final Thread sender;

    public ProducerEngine(EddyHttp http, Settings settings) {
        this.http = http;
        this.settings = settings;
        this.sender = new Thread(this::run, "eddy-producer-sender");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /**
     * Appends a record to its partition's open batch, waiting up to {@code max.block.ms} for buffer room.
     *
     * @return the record's future and whether the batch it went into is now full (the sticky partition moves on)
     */
    public Appended append(TopicPartition tp, KafkaBatches.Entry entry) {
        int size = entry.estimatedSize();
        if (size > settings.bufferMemory()) {
            throw new EddyClientException("record_too_large", 0, false, "a record of " + size
                    + " bytes is larger than buffer.memory (" + settings.bufferMemory() + ")", null, null);
        }
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        lock.lock();
        try {
            long deadline = System.nanoTime() + settings.maxBlock().toNanos();
            while (bufferUsed + size > settings.bufferMemory()) {
                checkOpen();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new EddyClientException(EddyClientException.TIMEOUT, 0, true, "the send buffer (buffer.memory "
                            + settings.bufferMemory() + " bytes) stayed full for max.block.ms", null, null);
                }
                space.awaitNanos(left);
            }
            checkOpen();
            bufferUsed += size;
            Deque<Batch> deque = queued.computeIfAbsent(tp, k -> new ArrayDeque<>());
            Batch last = deque.peekLast();
            long now = System.nanoTime();
            if (last == null || last.bytes + size > settings.batchSize() && !last.records.isEmpty()) {
                last = new Batch(tp, now);
                deque.addLast(last);
            }
            last.records.add(new Pending(entry, size, future));
            last.bytes += size;
            boolean full = last.bytes >= settings.batchSize();
            if (full || deque.size() > 1) {
                work.signalAll();
            } else if (last.records.size() == 1) {
                work.signalAll(); // a new linger deadline
            }
            return new Appended(future, full);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EddyClientException.client(EddyClientException.CLOSED, "interrupted while waiting for buffer room", e);
        } finally {
            lock.unlock();
        }
    }

    public record Appended(CompletableFuture<RecordMetadata> future, boolean batchFull) {
    }

    private void checkOpen() {
        if (fatal != null) {
            throw fatal;
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
            while (!queued.isEmpty() || !inFlight.isEmpty()) {
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
        lock.lock();
        try {
            closing = true;
            work.signalAll();
            space.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            sender.join(Math.max(1, timeout.toMillis()));
            if (sender.isAlive()) {
                lock.lock();
                try {
                    forced = true;
                    work.signalAll();
                } finally {
                    lock.unlock();
                }
                sender.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the sender thread ---------------------------------------------------------------------------------

    private void run() {
        while (true) {
            List<Batch> ready;
            boolean register = false;
            boolean bump = false;
            lock.lock();
            try {
                while (true) {
                    if (forced) {
                        failEverything(EddyClientException.client(EddyClientException.CLOSED,
                                "the producer was closed before the record was acknowledged", null));
                        return;
                    }
                    if (fatal != null && !queued.isEmpty()) {
                        failQueued(fatal);
                    }
                    boolean anything = !queued.isEmpty() || !retrying.isEmpty();
                    if (settings.idempotent() && producerId < 0 && anything) {
                        register = true;
                        ready = List.of();
                        break;
                    }
                    if (bumpEpoch && inFlight.isEmpty()) {
                        bump = true;
                        ready = List.of();
                        break;
                    }
                    ready = collect();
                    if (!ready.isEmpty()) {
                        break;
                    }
                    if (closing && queued.isEmpty() && inFlight.isEmpty()) {
                        idle.signalAll();
                        return;
                    }
                    long wait = nextWakeupNs();
                    work.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            if (register) {
                register();
            } else if (bump) {
                bump();
            } else {
                send(ready);
            }
        }
    }

    /** Batches to send now; each keeps its partition in flight until it is done. Called under the lock. */
    private List<Batch> collect() {
        long now = System.nanoTime();
        List<Batch> out = new ArrayList<>();
        for (var it = retrying.values().iterator(); it.hasNext(); ) {
            List<Batch> again = it.next();
            if (again.get(0).nextAttemptNs <= now) {
                it.remove();
                out.addAll(again);
            }
        }
        if (bumpEpoch) {
            return out;
        }
        for (var it = queued.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (inFlight.contains(e.getKey())) {
                continue;
            }
            Deque<Batch> deque = e.getValue();
            Batch first = deque.peekFirst();
            boolean ready = deque.size() > 1 || first.bytes >= settings.batchSize() || closing || flushers > 0
                    || now - first.createdNs >= settings.linger().toNanos();
            if (!ready) {
                continue;
            }
            // every batch of the partition that is ready goes in this request (frames of one partition follow
            // on in sequence), up to max.request.size: a backlog drains in few round trips
            int bytes = 0;
            while (!deque.isEmpty()) {
                Batch b = deque.peekFirst();
                boolean full = deque.size() > 1 || b.bytes >= settings.batchSize() || closing || flushers > 0
                        || now - b.createdNs >= settings.linger().toNanos();
                if (!full || bytes > 0 && bytes + b.bytes > settings.maxRequestSize()) {
                    break;
                }
                deque.pollFirst();
                build(b);
                bytes += b.built.remaining();
                out.add(b);
            }
            if (deque.isEmpty()) {
                it.remove();
            }
            inFlight.add(first.tp);
        }
        return out;
    }

    private void build(Batch b) {
        List<KafkaBatches.Entry> entries = new ArrayList<>(b.records.size());
        b.records.forEach(p -> entries.add(p.entry()));
        if (settings.idempotent()) {
            int seq = sequences.getOrDefault(b.tp, 0);
            b.baseSequence = seq;
            sequences.put(b.tp, (int) ((seq + (long) entries.size()) % (1L << 31)));
            b.built = KafkaBatches.batch(entries, settings.compression(), producerId, epoch, seq);
        } else {
            b.built = KafkaBatches.batch(entries, settings.compression(), -1L, (short) -1, -1);
        }
    }

    private long nextWakeupNs() {
        long now = System.nanoTime();
        long next = TimeUnit.SECONDS.toNanos(1);
        for (List<Batch> again : retrying.values()) {
            next = Math.min(next, again.get(0).nextAttemptNs - now);
        }
        for (var e : queued.entrySet()) {
            if (!inFlight.contains(e.getKey())) {
                next = Math.min(next, e.getValue().peekFirst().createdNs + settings.linger().toNanos() - now);
            }
        }
        return Math.max(next, 100_000);
    }

    private void register() {
        try {
            JsonNode r = withRetries(() -> http.json("POST", "v1/producers", null));
            lock.lock();
            try {
                producerId = r.get("producer_id").asLong();
                epoch = (short) r.get("epoch").asInt();
            } finally {
                lock.unlock();
            }
        } catch (EddyClientException e) {
            lock.lock();
            try {
                failQueued(e);
            } finally {
                lock.unlock();
            }
        }
    }

    private void bump() {
        long id;
        short current;
        lock.lock();
        try {
            id = producerId;
            current = epoch;
        } finally {
            lock.unlock();
        }
        try {
            // the server bumps only the epoch presented, if it is the current one (a lost answer's retry presents
            // the same epoch and gets the bumped one back)
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("epoch", current);
            JsonNode r = withRetries(() -> http.json("POST", "v1/producers/" + id + "/epoch", body));
            lock.lock();
            try {
                epoch = (short) r.get("epoch").asInt();
                sequences.clear();
                bumpEpoch = false;
            } finally {
                lock.unlock();
            }
        } catch (EddyClientException e) {
            lock.lock();
            try {
                fatal = e;
                bumpEpoch = false;
                failQueued(e);
            } finally {
                lock.unlock();
            }
        }
    }

    private JsonNode withRetries(java.util.function.Supplier<CompletableFuture<JsonNode>> call) {
        for (int attempt = 0; ; attempt++) {
            try {
                return EddyHttp.await(call.get());
            } catch (EddyClientException e) {
                if (!e.retryable() || attempt >= settings.backoff().retries()) {
                    throw e;
                }
                try {
                    Thread.sleep(settings.backoff().backoff(attempt + 1).toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void send(List<Batch> ready) {
        // per topic, per partition (a partition's batches stay in one request, in order), packed up to max.request.size
        Map<String, Map<TopicPartition, List<Batch>>> byTopic = new LinkedHashMap<>();
        ready.forEach(b -> byTopic.computeIfAbsent(b.tp.topic(), t -> new LinkedHashMap<>())
                .computeIfAbsent(b.tp, k -> new ArrayList<>()).add(b));
        for (var e : byTopic.entrySet()) {
            List<Batch> request = new ArrayList<>();
            int bytes = 0;
            for (List<Batch> partition : e.getValue().values()) {
                int size = 0;
                for (Batch b : partition) {
                    size += KafkaBatches.FRAME_HEADER + b.built.remaining();
                }
                if (!request.isEmpty() && bytes + size > settings.maxRequestSize()) {
                    post(e.getKey(), request);
                    request = new ArrayList<>();
                    bytes = 0;
                }
                request.addAll(partition);
                bytes += size;
            }
            post(e.getKey(), request);
        }
    }

    private void post(String topic, List<Batch> batches) {
        List<KafkaBatches.Frame> frames = new ArrayList<>(batches.size());
        long now = System.nanoTime();
        lock.lock();
        try {
            sent.addAll(batches);
        } finally {
            lock.unlock();
        }
        for (Batch b : batches) {
            frames.add(new KafkaBatches.Frame(b.tp.partition(), b.built));
            if (b.attempts++ == 0) {
                b.firstSentNs = now;
            }
        }
        byte[] body = KafkaBatches.frames(frames);
        http.send("POST", "v1/topics/" + EddyHttp.segment(topic) + "/records?acks=" + settings.acks(), EddyHttp.BATCHES,
                        body, Map.of("Accept", "application/json"))
                .thenApply(EddyHttp::jsonOrThrow)
                .whenComplete((json, error) -> done(batches, json, error));
    }

    private void done(List<Batch> batches, JsonNode json, Throwable error) {
        lock.lock();
        try {
            if (!sent.containsAll(batches)) {
                return; // failed by a forced close already
            }
            sent.removeAll(batches);
        } finally {
            lock.unlock();
        }
        if (error == null) {
            JsonNode answered = json == null ? null : json.get("batches");
            for (int i = 0; i < batches.size(); i++) {
                Batch b = batches.get(i);
                long base = answered == null || answered.size() <= i ? -1 : answered.get(i).path("base_offset").asLong(-1);
                for (int j = 0; j < b.records.size(); j++) {
                    Pending p = b.records.get(j);
                    p.future().complete(new RecordMetadata(b.tp.topic(), b.tp.partition(), base < 0 ? -1 : base + j,
                            p.entry().timestamp()));
                }
            }
            finish(batches);
            return;
        }
        EddyClientException e = error instanceof EddyClientException ece ? ece
                : EddyHttp.failure(error, new HttpTransport.Request("POST", http.base(), Map.of(), null));
        long now = System.nanoTime();
        List<Batch> failed = new ArrayList<>();
        Map<TopicPartition, List<Batch>> byPartition = new LinkedHashMap<>();
        batches.forEach(b -> byPartition.computeIfAbsent(b.tp, k -> new ArrayList<>()).add(b));
        lock.lock();
        try {
            for (var entry : byPartition.entrySet()) {
                // a partition's batches are retried or fail together: their sequences follow on
                List<Batch> mine = entry.getValue();
                Batch first = mine.get(0);
                boolean inTime = now - first.firstSentNs < settings.deliveryTimeout().toNanos();
                if (e.retryable() && first.attempts <= settings.backoff().retries() && inTime && !forced) {
                    long at = now + TimeUnit.MILLISECONDS.toNanos(settings.backoff().backoff(first.attempts).toMillis());
                    mine.forEach(b -> b.nextAttemptNs = at);
                    retrying.put(entry.getKey(), mine);
                    continue;
                }
                failed.addAll(mine);
                if (settings.idempotent()) {
                    if (e.code().equals("producer_fenced")) {
                        fatal = e;
                    } else if (e.retryable() || e.code().equals("out_of_order_sequence")
                            || e.code().equals("unknown_producer") || e.code().equals("invalid_producer")) {
                        bumpEpoch = true; // the outcome is unknown or the sequence is broken: start over
                    } else if (first.baseSequence >= 0) {
                        sequences.put(first.tp, first.baseSequence); // refused whole: nothing of it was stored
                    }
                }
            }
            work.signalAll();
        } finally {
            lock.unlock();
        }
        for (Batch b : failed) {
            b.records.forEach(p -> p.future().completeExceptionally(e));
        }
        finish(failed);
    }

    /** Frees the batches' partitions and buffer room. */
    private void finish(List<Batch> batches) {
        if (batches.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (Batch b : batches) {
                inFlight.remove(b.tp);
                b.records.forEach(p -> bufferUsed -= p.size());
            }
            work.signalAll();
            space.signalAll();
            if (queued.isEmpty() && inFlight.isEmpty()) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Fails every batch not yet sent. Called under the lock. */
    private void failQueued(EddyClientException e) {
        for (Deque<Batch> deque : queued.values()) {
            for (Batch b : deque) {
                b.records.forEach(p -> {
                    bufferUsed -= p.size();
                    p.future().completeExceptionally(e);
                });
            }
        }
        queued.clear();
        space.signalAll();
        if (inFlight.isEmpty()) {
            idle.signalAll();
        }
    }

    private void failEverything(EddyClientException e) {
        failQueued(e);
        for (List<Batch> again : retrying.values()) {
            again.forEach(b -> b.records.forEach(p -> p.future().completeExceptionally(e)));
        }
        retrying.clear();
        for (Batch b : sent) {
            b.records.forEach(p -> p.future().completeExceptionally(e));
        }
        sent.clear();
        inFlight.clear();
        idle.signalAll();
    }
}
