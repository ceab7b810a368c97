package io.eddy.core.fetch;

import io.eddy.core.error.EddyException;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.tail.TailSignals;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fetch of many partitions in one call ({@link FetchService#fetchMany}, {@link FetchService#fetchManyBatches}):
 * rounds of reads within one byte budget, waiting between rounds for a commit to any of the partitions.
 * Thread-safe.
 */
final class MultiFetch {
    /** One kind of read of one partition: records decoded, or stored batches. */
    interface Read<R extends ReadResult> {
        /** Reads from the request's offset, below the head's high watermark. */
        Uni<R> read(Topic topic, FetchRequest request, PartitionHead head, boolean atLeastOne);

        /** Nothing read: the read goes on from where it was. */
        R none(long offset, PartitionHead head);
    }

    private final TopicService topics;
    private final TailSignals signals;
    private final PartitionReader reader;
    private final Duration headPollInterval;
    private final Clock clock;

    MultiFetch(
            TopicService topics, TailSignals signals, PartitionReader reader, Duration headPollInterval, Clock clock) {
        this.topics = topics;
        this.signals = signals;
        this.reader = reader;
        this.headPollInterval = headPollInterval;
        this.clock = clock;
    }

    /**
     * Reads many partitions in one call: each as {@link FetchService#fetch} would with no wait, then, while fewer than
     * {@code minBytes} have been read in all, no partition failed and {@code maxWait} has not passed, waits for a
     * commit to any of them and reads again. A partition's failure (unknown topic, offset out of range) is its
     * outcome alone. Outcomes come in request order.
     *
     * <p>The records of all partitions together stay within {@code maxBytes} (Kafka's {@code fetch.max.bytes}):
     * partitions are read in request order, each within the smaller of its own {@code max_bytes} and what is
     * left, several at a time; a partition reached when nothing is left answers no records. As in Kafka, only
     * the first partition with records gets its first record even when that is larger than its limits (so a
     * consumer always moves on); any other partition's limit is strict.
     */
    <R extends ReadResult> Uni<List<PartitionOutcome<R>>> fetchMany(
            List<PartitionFetch> fetches, Duration maxWait, long minBytes, long maxBytes, Read<R> read) {
        if (fetches.isEmpty() || maxWait.isNegative() || maxWait.compareTo(FetchRequest.MAX_WAIT) > 0) {
            throw new IllegalArgumentException("bad multi-partition fetch");
        }
        long deadline = clock.millis() + maxWait.toMillis();
        Map<String, Uni<Resolved>> byName = new LinkedHashMap<>();
        for (PartitionFetch f : fetches) {
            byName.computeIfAbsent(
                    f.topic(),
                    name -> topics.require(name)
                            .map(t -> new Resolved(t, null))
                            .onFailure(EddyException.class)
                            .recoverWithItem(t -> new Resolved(null, (EddyException) t))
                            .memoize()
                            .indefinitely());
        }
        List<Uni<Resolved>> resolving =
                fetches.stream().map(f -> byName.get(f.topic())).toList();
        return Uni.join()
                .all(resolving)
                .andFailFast()
                .flatMap(resolved -> round(fetches, resolved, minBytes, maxBytes, deadline, read));
    }

    /** A topic named by a multi-partition fetch, or why it cannot be read. */
    private record Resolved(Topic topic, EddyException error) {}

    private <R extends ReadResult> Uni<List<PartitionOutcome<R>>> round(
            List<PartitionFetch> fetches,
            List<Resolved> resolved,
            long minBytes,
            long maxBytes,
            long deadline,
            Read<R> read) {
        List<CompletableFuture<Void>> wakes = new ArrayList<>();
        List<Uni<Headed>> heads = new ArrayList<>();
        // the heads this round reads: one read per topic for all its partitions that need one
        Map<Topic, Set<Integer>> toRead = new HashMap<>();
        List<Optional<PartitionHead>> known = new ArrayList<>();
        boolean mayWait = minBytes > 0 && deadline > clock.millis(); // with min_bytes 0 a round never waits
        long poll = headPollInterval.toMillis(); // how long this round may wait before it reads again
        for (int i = 0; i < fetches.size(); i++) {
            PartitionFetch f = fetches.get(i);
            Topic topic = resolved.get(i).topic();
            boolean readable = topic != null && topic.hasPartition(f.partition());
            Optional<PartitionReader.Known> k =
                    readable ? reader.known(topic, f.partition(), f.offset(), mayWait) : Optional.empty();
            Optional<Duration> left = k.flatMap(PartitionReader.Known::left);
            if (left.isPresent()) {
                poll = Math.min(poll, Math.max(1, left.get().toMillis()));
            }
            known.add(k.map(PartitionReader.Known::head));
            if (readable && k.isEmpty()) {
                toRead.computeIfAbsent(topic, t -> new TreeSet<>()).add(f.partition());
            }
        }
        Map<Topic, Uni<Map<Integer, PartitionHead>>> reads = new HashMap<>();
        toRead.forEach((topic, partitions) ->
                reads.put(topic, reader.heads(topic, partitions).memoize().indefinitely()));
        for (int i = 0; i < fetches.size(); i++) {
            PartitionFetch f = fetches.get(i);
            if (resolved.get(i).error() != null) {
                heads.add(Uni.createFrom()
                        .item(new Headed(f, null, null, resolved.get(i).error())));
                continue;
            }
            Topic topic = resolved.get(i).topic();
            if (f.partition() < topic.partitions()) {
                wakes.add(signals.nextCommit(topic.id(), f.partition()));
            }
            Optional<PartitionHead> knownHead = known.get(i);
            heads.add(Uni.createFrom()
                    .deferred(() -> {
                        TopicService.checkPartition(topic, f.partition());
                        Uni<PartitionReader.HeadAt> at = knownHead.isPresent()
                                ? Uni.createFrom().item(new PartitionReader.HeadAt(knownHead.get(), true))
                                : reads.get(topic).map(m -> new PartitionReader.HeadAt(m.get(f.partition()), false));
                        return at.map(a -> {
                            PartitionReader.checkRange(topic, f.partition(), f.offset(), a.head());
                            return new Headed(f, topic, a, null);
                        });
                    })
                    .onFailure(EddyException.class)
                    .recoverWithItem(t -> new Headed(f, topic, null, (EddyException) t)));
        }
        long waitAtMost = poll;
        return Uni.join()
                .all(heads)
                .andFailFast()
                .flatMap(headed -> new Budget<>(headed, maxBytes, read).run())
                .flatMap(outcomes -> {
                    long bytes =
                            outcomes.stream().mapToLong(PartitionOutcome::bytes).sum();
                    boolean failed = outcomes.stream().anyMatch(o -> o.error() != null);
                    long remaining = deadline - clock.millis();
                    if (bytes >= minBytes || failed || remaining <= 0) {
                        return Uni.createFrom().item(outcomes);
                    }
                    Duration wait = Duration.ofMillis(Math.min(remaining, waitAtMost));
                    return Uni.createFrom()
                            .completionStage(CompletableFuture.anyOf(wakes.toArray(CompletableFuture[]::new)))
                            .ifNoItem()
                            .after(wait)
                            .recoverWithItem((Object) null)
                            .flatMap(ignored -> round(fetches, resolved, minBytes, maxBytes, deadline, read));
                })
                .onTermination()
                .invoke(() -> wakes.forEach(TailSignals::detach));
    }

    /**
     * A partition of a multi-partition fetch with the head it goes by ({@code at}: read now, or this process's known
     * head), or why it cannot be read.
     */
    private record Headed(PartitionFetch fetch, Topic topic, PartitionReader.HeadAt at, EddyException error) {
        PartitionHead head() {
            return at.head();
        }

        boolean hasRecords() {
            return error == null && fetch.offset() < head().nextOffset();
        }

        <R extends ReadResult> PartitionOutcome<R> empty(Read<R> read) {
            return error != null
                    ? PartitionOutcome.failed(fetch, error)
                    : PartitionOutcome.of(fetch, read.none(fetch.offset(), head()));
        }
    }

    /**
     * One round's reads of the partitions with records, in request order within a byte budget: a read starts with
     * the smaller of its partition's {@code max_bytes} and what is left unreserved, and gives back what it did
     * not use when it ends, so reads of partitions with little to give run side by side. Thread-safe (its own
     * monitor); used for one round.
     */
    private final class Budget<R extends ReadResult> {
        private final List<Headed> partitions;
        private final Read<R> read;
        private final List<PartitionOutcome<R>> outcomes;
        private final CompletableFuture<List<PartitionOutcome<R>>> done = new CompletableFuture<>();
        /** Pumps asked for: one thread pumps at a time, again while others asked (reads that end at once recurse no deeper). */
        private final AtomicInteger pumps = new AtomicInteger();

        private long left;
        private int next;
        private int running;
        private boolean firstStarted;

        Budget(List<Headed> partitions, long maxBytes, Read<R> read) {
            this.partitions = partitions;
            this.read = read;
            this.outcomes = new ArrayList<>(Collections.nCopies(partitions.size(), null));
            this.left = maxBytes;
        }

        Uni<List<PartitionOutcome<R>>> run() {
            return Uni.createFrom().completionStage(() -> {
                pump();
                return done;
            });
        }

        private void pump() {
            if (pumps.getAndIncrement() != 0) {
                return;
            }
            do {
                pumpOnce();
            } while (pumps.decrementAndGet() != 0);
        }

        /** Starts what the budget allows; ends the round when nothing runs and nothing more can start. */
        private void pumpOnce() {
            List<Runnable> starts = new ArrayList<>();
            synchronized (this) {
                if (done.isDone()) {
                    return;
                }
                while (next < partitions.size()) {
                    Headed h = partitions.get(next);
                    if (!h.hasRecords()) {
                        outcomes.set(next++, h.empty(read));
                        continue;
                    }
                    if (left <= 0) {
                        break;
                    }
                    int i = next++;
                    int allowed = (int) Math.min(h.fetch().maxBytes(), left);
                    boolean atLeastOne = !firstStarted; // the first partition with records moves on, whatever its size
                    firstStarted = true;
                    left -= allowed;
                    running++;
                    starts.add(() -> start(i, h, allowed, atLeastOne));
                }
                if (running == 0 && starts.isEmpty()) {
                    for (int i = next; i < partitions.size(); i++) {
                        outcomes.set(i, partitions.get(i).empty(read)); // nothing left: read again from where it was
                    }
                    next = partitions.size();
                    done.complete(List.copyOf(outcomes));
                    return;
                }
            }
            starts.forEach(Runnable::run);
        }

        private void start(int i, Headed h, int allowed, boolean atLeastOne) {
            PartitionFetch f = h.fetch();
            FetchRequest request =
                    new FetchRequest(f.topic(), f.partition(), f.offset(), Integer.MAX_VALUE, allowed, Duration.ZERO);
            Uni<R> reading = Uni.createFrom()
                    .deferred(() -> reader.byHead(
                            h.topic(),
                            f.partition(),
                            f.offset(),
                            h.at(),
                            head -> read.read(h.topic(), request, head, atLeastOne),
                            head -> read.none(f.offset(), head)));
            reading.map(r -> PartitionOutcome.of(f, r))
                    .onFailure(EddyException.class)
                    .recoverWithItem(t -> PartitionOutcome.<R>failed(f, (EddyException) t))
                    .subscribe()
                    .with(outcome -> finished(i, outcome, allowed), done::completeExceptionally);
        }

        private void finished(int i, PartitionOutcome<R> outcome, int allowed) {
            synchronized (this) {
                outcomes.set(i, outcome);
                left += allowed - outcome.bytes(); // below zero only after the first partition's oversized record
                running--;
            }
            pump();
        }
    }
}
