package io.eddy.core.produce;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.ChunkLocation;
import io.eddy.core.format.RunChunk;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.produce.lease.LeaderLeases.Key;
import io.eddy.core.storage.ObjectKeys;
import io.eddy.core.storage.ReplicatedSegments;
import io.eddy.core.storage.SegmentStore;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes runs as one segment object: encodes a chunk per partition (its runs in order), PUTs the object to the
 * replica buckets as {@link Acks} asks, and writes it through to the cache. Thread-safe: keeps no state.
 */
final class SegmentWriter {
    private final ReplicatedSegments copies;
    private final ObjectKeys keys;
    private final WriteThroughCache cache;

    SegmentWriter(SegmentStore segments, ObjectKeys keys, WriteThroughCache cache, ProduceMetrics metrics) {
        this.copies = new ReplicatedSegments(segments, new ReplicatedSegments.Listener() {
            @Override
            public void stored(String bucket) {
                metrics.put();
            }

            @Override
            public void fellBack(String bucket, Throwable cause) {
                metrics.replicaFallback();
            }
        });
        this.keys = keys;
        this.cache = cache;
    }

    /** Writes {@code runs}, chunks in the order their partitions first appear, to {@code replicas}. */
    Uni<WrittenSegment> write(List<PartitionRun> runs, List<String> replicas, Acks acks) {
        SegmentFormat.Encoded segment = SegmentFormat.encode(chunks(runs));
        String objectKey = keys.newSegmentKey();
        return put(replicas, acks, objectKey, segment.bytes()).map(buckets -> {
            cache.putObject(objectKey, segment.bytes()); // every block, the footer's too: the whole object is in hand
            Map<Key, ChunkLocation> locations = new HashMap<>();
            for (ChunkLocation c : segment.chunks()) {
                locations.put(new Key(c.topicId(), c.partition()), c);
            }
            return new WrittenSegment(objectKey, locations, buckets);
        });
    }

    private static List<RunChunk> chunks(List<PartitionRun> runs) {
        Map<Key, List<PartitionRun>> byPartition = new LinkedHashMap<>();
        runs.forEach(run -> byPartition
                .computeIfAbsent(new Key(run.topic().id(), run.partition()), k -> new ArrayList<>())
                .add(run));
        List<RunChunk> chunks = new ArrayList<>(byPartition.size());
        for (Map.Entry<Key, List<PartitionRun>> e : byPartition.entrySet()) {
            int records = 0;
            long maxTs = Long.MIN_VALUE;
            List<ByteBuffer> batches = new ArrayList<>();
            for (PartitionRun run : e.getValue()) {
                records += run.records();
                maxTs = Math.max(maxTs, run.maxTimestamp());
                batches.addAll(run.batches());
            }
            // copied once, into the segment, renumbered from 0 on the way (no chunk buffer of its own)
            chunks.add(new RunChunk(e.getKey().topicId(), e.getKey().partition(), batches, records, maxTs));
        }
        return chunks;
    }

    /**
     * PUTs the object per acks: {@code all} to every replica (each must succeed); otherwise to the first
     * bucket that takes it, primary first. The item is the buckets that hold it.
     */
    private Uni<List<String>> put(List<String> replicas, Acks acks, String objectKey, byte[] bytes) {
        if (acks == Acks.ALL) {
            return copies.putAll(replicas, objectKey, bytes, ReplicatedSegments.OnFailure.COLLECT)
                    .onFailure()
                    .transform(t -> new EddyException(
                            ErrorCode.NOT_ENOUGH_REPLICAS,
                            "acks=all: not " + "every replica bucket took the segment; nothing was committed",
                            Map.of("replicas", replicas),
                            t));
        }
        return copies.putFirst(replicas, objectKey, bytes).map(List::of);
    }
}
