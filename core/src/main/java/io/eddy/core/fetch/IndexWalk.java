package io.eddy.core.fetch;

import io.eddy.core.cache.IndexCache;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.support.AsyncLoop;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Walks a partition's index from a read's offset, feeding each entry's chunk to a {@link ChunkSink} until it is
 * full: the entry covering the offset (index entry cache, else DynamoDB), then the next ones a page at a time.
 * Gap entries (all their records compacted away) are stepped over, as a Kafka consumer steps over a compacted gap;
 * an entry a compaction merged into one starting earlier is found through the one covering it. What to do with
 * each entry is {@link #step}, a pure decision. Thread-safe (the sink is the read's own).
 */
final class IndexWalk {
    /** Index entries read from DynamoDB at a time. */
    static final int ENTRY_PAGE = 100;

    /** What a walk does with an entry. */
    enum Step {
        /** Nothing: the sink is full, or the entry ends before the offset it goes on from. */
        PASS,
        /** Moves the sink past the entry, which holds no record. */
        STEP_OVER,
        /** Reads the entry's chunk into the sink. */
        READ
    }

    private final MetadataStore metadata;
    private final IndexCache index;
    private final ChunkReader chunks;
    private final LongAdder queries = new LongAdder();

    IndexWalk(MetadataStore metadata, IndexCache index, ChunkReader chunks) {
        this.metadata = metadata;
        this.index = index;
        this.chunks = chunks;
    }

    /** Index queries this walk made (each one DynamoDB call). */
    long queries() {
        return queries.sum();
    }

    /** What to do with {@code entry} when the sink goes on from {@code nextOffset}. Pure. */
    static Step step(IndexEntry entry, long nextOffset, boolean full) {
        if (full || entry.lastOffset() < nextOffset) {
            return Step.PASS;
        }
        return entry.isGap() ? Step.STEP_OVER : Step.READ;
    }

    /**
     * Reads from the sink's offset, below {@code head}'s high watermark, until the sink is full or the walk
     * reaches the high watermark.
     */
    Uni<Void> readInto(Topic topic, int partition, PartitionHead head, ChunkSink sink) {
        long offset = sink.nextOffset();
        return entryCovering(topic, partition, offset).flatMap(first -> {
            if (first.isEmpty()) {
                return Uni.createFrom()
                        .failure(new EddyException(
                                ErrorCode.INTERNAL_ERROR,
                                "no index entry covers offset " + offset + " of " + topic.name() + "/" + partition
                                        + " below the high watermark"));
            }
            return new Walk(topic, partition, head, sink, first.get()).run();
        });
    }

    /**
     * The entry covering {@code offset}, from the index entry cache, else DynamoDB: the page of entries from the
     * offset, which starts with it when the offset is an entry's first (a read going on from where the last one
     * ended), else the entry before it too. Both are cached, so the reads that follow find theirs.
     */
    Uni<Optional<IndexEntry>> entryCovering(Topic topic, int partition, long offset) {
        Optional<IndexEntry> cached = index.covering(topic.id(), partition, offset);
        if (cached.isPresent()) {
            return Uni.createFrom().item(cached);
        }
        queries.increment();
        return metadata.entriesFrom(topic.id(), partition, offset, ENTRY_PAGE).flatMap(page -> {
            if (!page.isEmpty() && page.get(0).baseOffset() == offset) {
                index.addAll(topic.id(), partition, page);
                return Uni.createFrom().item(Optional.of(page.get(0)));
            }
            queries.increment();
            return metadata.entryAtOrBefore(topic.id(), partition, offset).map(found -> {
                Optional<IndexEntry> covering = found.filter(e -> e.covers(offset));
                covering.ifPresent(e -> {
                    List<IndexEntry> window = new ArrayList<>(page.size() + 1);
                    window.add(e);
                    window.addAll(page);
                    index.addAll(topic.id(), partition, window);
                });
                return covering;
            });
        });
    }

    /**
     * One read's walk from its first entry: the entries in hand, then the one the index entry cache holds for the
     * offset the sink goes on from, else the next page from DynamoDB. A loop of steps ({@link AsyncLoop}), not a
     * method calling itself: a read of a partition whose entries and chunks are all cached completes each step at
     * once, on the thread that started it, and must take the stack of one entry for thousands. Not thread-safe: its
     * steps run one at a time.
     */
    private final class Walk {
        private final Topic topic;
        private final int partition;
        private final PartitionHead head;
        private final ChunkSink sink;
        /** Entries in hand, in offset order, taken before the next one is looked up. */
        private final ArrayDeque<IndexEntry> entries = new ArrayDeque<>();

        Walk(Topic topic, int partition, PartitionHead head, ChunkSink sink, IndexEntry first) {
            this.topic = topic;
            this.partition = partition;
            this.head = head;
            this.sink = sink;
            entries.add(first);
        }

        Uni<Void> run() {
            return AsyncLoop.run(this::next);
        }

        /**
         * Takes entries (in hand, else cached) until one's chunk is to be read, or none is cached: that read, or the
         * index query, is the step; {@code null} once the sink is full or the walk reached the high watermark.
         */
        private Uni<?> next() {
            while (true) {
                IndexEntry entry = entries.poll();
                if (entry == null) {
                    if (sink.full()) {
                        return null;
                    }
                    long next = sink.nextOffset();
                    Optional<IndexEntry> cached = index.covering(topic.id(), partition, next);
                    if (cached.isEmpty()) {
                        return query(next);
                    }
                    entry = cached.get();
                }
                switch (step(entry, sink.nextOffset(), sink.full())) {
                    case PASS -> {}
                    case STEP_OVER -> sink.skipTo(entry.lastOffset() + 1);
                    case READ -> {
                        return read(entry);
                    }
                }
            }
        }

        private Uni<ByteBuffer> read(IndexEntry entry) {
            return chunks.chunk(entry, head).invoke(bytes -> {
                sink.accept(entry, bytes);
                if (!sink.full()) {
                    sink.skipTo(entry.lastOffset() + 1); // read it all: what is left of it is a gap
                }
            });
        }

        /** The page of entries from {@code next}, cached and taken in hand. */
        private Uni<Void> query(long next) {
            queries.increment();
            return metadata.entriesFrom(topic.id(), partition, next, ENTRY_PAGE).flatMap(found -> {
                if (!found.isEmpty() && found.get(0).baseOffset() == next) {
                    index.addAll(topic.id(), partition, found);
                    entries.addAll(found);
                    return Uni.createFrom().voidItem();
                }
                // a compaction merged the entry starting here into one starting before: read that one
                queries.increment();
                return metadata.entryAtOrBefore(topic.id(), partition, next).flatMap(covering -> {
                    if (covering.isEmpty() || !covering.get().covers(next)) {
                        return Uni.createFrom()
                                .failure(new EddyException(
                                        ErrorCode.INTERNAL_ERROR,
                                        "index gap at offset " + next + " of " + topic.name() + "/" + partition));
                    }
                    index.invalidate(topic.id(), partition);
                    entries.add(covering.get());
                    return Uni.createFrom().voidItem();
                });
            });
        }
    }
}
