package io.eddy.core.cache;

import io.eddy.core.error.CorruptSegmentException;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache tiers of segment bytes: memory ({@link MemoryTier}, bounded in bytes) → the recent blocks
 * ({@link RecentBlocks}, a small first-in first-out window of the blocks just loaded, bounded in bytes) → local disk
 * (optional, bounded in bytes, survives a restart) → the object store. Objects are write-once, so a cached block
 * never goes stale.
 *
 * <p>The unit is the <em>block</em>: the aligned byte range {@code [index × blockBytes, (index + 1) × blockBytes)}
 * of one object (the last block of an object is shorter; an object smaller than a block is one block). Readers
 * of different chunks of one object share its blocks. A read of a byte range maps to the blocks covering it and
 * is sliced out of them.
 *
 * <p>The recent blocks are what lets the partitions of one segment share its GETs when the memory tier is too small
 * to keep them (0 bytes: the S3 tier): a segment object holds a chunk of every partition written in its flush, each
 * read by its own consumer at its own moment, and the first of them loads the whole block; those that come while
 * it is among the last {@code recentBytes} loaded find it there.
 *
 * <p>Misses: concurrent misses for one block make one load (the first reader claims the block; the others
 * join its load). The claimed blocks are looked up on disk, and those still missing are read from the store
 * in runs of consecutive blocks, <em>one ranged GET per run</em>; the run that ends at the last block a read
 * needs is extended by {@code readAhead} blocks (those not cached already), so a sequential reader finds its next
 * block cached. A GET reaching past the object's end is served truncated: blocks past the end are simply not
 * cached. Blocks read from the store are written to disk before the readers are answered.
 *
 * <p>Thread-safe. Disk I/O runs on a small executor of this cache's own, never on the caller's thread; close
 * the cache to stop it.
 */
public final class BlockCache implements AutoCloseable {
    public static final int DEFAULT_BLOCK_BYTES = 4 << 20;
    /** Bytes of blocks just loaded that are kept for the other readers of their objects, whatever the memory tier. */
    public static final long DEFAULT_RECENT_BYTES = 64L << 20;

    /** Block {@code index} of object {@code objectKey}. */
    public record BlockKey(String objectKey, long index) {
        public BlockKey {
            if (objectKey == null || objectKey.isEmpty() || index < 0) {
                throw new IllegalArgumentException("bad block " + objectKey + "#" + index);
            }
        }
    }

    /**
     * Reads at most {@code maxLength} bytes at {@code position} of the object being read, fewer when the object
     * ends first ({@link io.eddy.core.storage.SegmentStore#readUpTo}).
     */
    @FunctionalInterface
    public interface BlockSource {
        Uni<byte[]> read(long position, int maxLength);
    }

    private record Claim(BlockKey key, CompletableFuture<byte[]> future) {}

    private final int blockBytes;
    /** The memory tier; null inside this class only, where it has 0 bytes. */
    private final MemoryTier memory;

    private final RecentBlocks recent;
    private final Map<BlockKey, CompletableFuture<byte[]>> loading = new ConcurrentHashMap<>();
    /** The disk tier; null inside this class only, where there is none. */
    private final DiskBlockStore disk;

    private final ExecutorService diskIo;
    private final LongAdder hits = new LongAdder();
    private final LongAdder recentHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder joined = new LongAdder();
    private final LongAdder storageGets = new LongAdder();
    private final LongAdder storageBytes = new LongAdder();

    /** A cache with {@link #DEFAULT_RECENT_BYTES} of recent blocks. */
    public BlockCache(long memoryBytes, int blockBytes, Optional<DiskBlockStore> disk) {
        this(memoryBytes, DEFAULT_RECENT_BYTES, blockBytes, disk);
    }

    /**
     * @param memoryBytes bytes of blocks kept in memory (0: none, every read goes to the recent blocks, disk or the
     *                    store)
     * @param recentBytes bytes of the blocks loaded last kept for the other readers of their objects (0: none; a
     *                    block is then shared only by the readers that join its load)
     * @param blockBytes  the block size
     * @param disk        the disk tier, if any
     */
    public BlockCache(long memoryBytes, long recentBytes, int blockBytes, Optional<DiskBlockStore> disk) {
        if (blockBytes < 1) {
            throw new IllegalArgumentException("block size must be positive, not " + blockBytes);
        }
        this.blockBytes = blockBytes;
        this.recent = new RecentBlocks(recentBytes);
        this.memory = memoryBytes <= 0 ? null : new MemoryTier(memoryBytes);
        this.disk = disk.orElse(null);
        this.diskIo = this.disk == null
                ? null
                : Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "eddy-disk-cache");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** A memory-only cache with the default block size. */
    public static BlockCache inMemory(long memoryBytes) {
        return new BlockCache(memoryBytes, DEFAULT_BLOCK_BYTES, Optional.empty());
    }

    public int blockBytes() {
        return blockBytes;
    }

    /**
     * The bytes {@code [position, position + length)} of an object, from its cached blocks or, for the blocks
     * missing, from {@code source}. A range reaching past the object's end fails with a
     * {@link CorruptSegmentException}.
     *
     * <p>A range inside one block comes as a view of the cached block itself, not a copy (a fetch's chunk nearly
     * always does: blocks are megabytes, chunks far smaller): the caller must never write into it, since every
     * reader of the block shares those bytes. A range across blocks comes as an array of its own. Either way the
     * buffer is backed by an array ({@link ByteBuffer#hasArray()}), from its position to its limit.
     *
     * @param readAhead blocks past the last needed one to load in the same GET when that GET is made
     */
    public Uni<ByteBuffer> read(String objectKey, long position, int length, int readAhead, BlockSource source) {
        if (position < 0 || length < 1 || readAhead < 0) {
            throw new IllegalArgumentException("bad read " + position + "+" + length + ", read-ahead " + readAhead);
        }
        return Uni.createFrom().deferred(() -> {
            long first = position / blockBytes;
            long last = (position + length - 1) / blockBytes;
            List<CompletableFuture<byte[]>> parts = new ArrayList<>();
            List<Claim> claimed = new ArrayList<>();
            for (long b = first; b <= last; b++) {
                BlockKey key = new BlockKey(objectKey, b);
                byte[] cached = inMemory(key);
                if (cached != null) {
                    parts.add(CompletableFuture.completedFuture(cached));
                    continue;
                }
                misses.increment();
                CompletableFuture<byte[]> mine = new CompletableFuture<>();
                CompletableFuture<byte[]> other = loading.putIfAbsent(key, mine);
                if (other != null) {
                    joined.increment();
                    parts.add(other);
                    continue;
                }
                cached = loaded(key); // a load that finished between the two looks
                if (cached != null) {
                    loading.remove(key, mine);
                    mine.complete(cached);
                } else {
                    claimed.add(new Claim(key, mine));
                }
                parts.add(mine);
            }
            if (!claimed.isEmpty()) {
                load(objectKey, claimed, last, readAhead, source);
            }
            // readers get a future of their own: one reader giving up cancels nothing shared
            CompletableFuture<ByteBuffer> whole = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                    .thenApply(v -> assemble(objectKey, first, parts, position, length));
            return Uni.createFrom().completionStage(whole);
        });
    }

    /** A block from the memory tier or the recent blocks, counted as a hit (a use); null when in neither. */
    private byte[] inMemory(BlockKey key) {
        byte[] block = memory == null ? null : memory.get(key);
        if (block != null) {
            hits.increment();
            return block;
        }
        block = recent.get(key);
        if (block != null) {
            hits.increment();
            recentHits.increment();
        }
        return block;
    }

    /** A block from the memory tier or the recent blocks, neither counted nor a use; null when in neither. */
    private byte[] loaded(BlockKey key) {
        byte[] block = memory == null ? null : memory.peek(key);
        return block != null ? block : recent.get(key);
    }

    /** The range: a view of its block when it lies in one, else a copy out of its blocks. */
    private ByteBuffer assemble(
            String objectKey, long first, List<CompletableFuture<byte[]>> parts, long position, int length) {
        if (parts.size() == 1) {
            byte[] block = parts.get(0).join();
            int from = (int) (position - first * blockBytes);
            checkHolds(objectKey, block, first * blockBytes, from + length, position, length);
            return ByteBuffer.wrap(block, from, length).slice();
        }
        byte[] out = new byte[length];
        for (int i = 0; i < parts.size(); i++) {
            byte[] block = parts.get(i).join();
            long blockStart = (first + i) * blockBytes;
            int from = (int) Math.max(0, position - blockStart);
            int to = (int) Math.min(blockBytes, position + length - blockStart);
            checkHolds(objectKey, block, blockStart, to, position, length);
            System.arraycopy(block, from, out, (int) (blockStart + from - position), to - from);
        }
        return ByteBuffer.wrap(out);
    }

    private static void checkHolds(String objectKey, byte[] block, long blockStart, int to, long position, int length) {
        if (block.length < to) {
            throw new CorruptSegmentException("object " + objectKey + " ends at byte " + (blockStart + block.length)
                    + ", before the range " + position + "+" + length + " does");
        }
    }

    private void load(String objectKey, List<Claim> claimed, long lastNeeded, int readAhead, BlockSource source) {
        if (disk == null) {
            fetch(objectKey, claimed, lastNeeded, readAhead, source);
            return;
        }
        onDisk(claimed, () -> {
            List<Claim> missing = new ArrayList<>();
            for (Claim c : claimed) {
                Optional<byte[]> found = disk.read(c.key());
                if (found.isPresent()) {
                    finish(c, found.get());
                } else {
                    missing.add(c);
                }
            }
            fetch(objectKey, missing, lastNeeded, readAhead, source);
        });
    }

    /** Reads the claimed blocks from the store: one GET per run of consecutive blocks. */
    private void fetch(String objectKey, List<Claim> missing, long lastNeeded, int readAhead, BlockSource source) {
        List<List<Claim>> runs = new ArrayList<>();
        for (Claim c : missing) {
            List<Claim> run = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (run != null
                    && run.get(run.size() - 1).key().index() + 1 == c.key().index()) {
                run.add(c);
            } else {
                runs.add(new ArrayList<>(List.of(c)));
            }
        }
        if (!runs.isEmpty()) {
            List<Claim> tail = runs.get(runs.size() - 1);
            if (tail.get(tail.size() - 1).key().index() == lastNeeded) {
                for (long b = lastNeeded + 1; b <= lastNeeded + readAhead; b++) {
                    Claim ahead = claimAhead(new BlockKey(objectKey, b));
                    if (ahead == null) {
                        break;
                    }
                    tail.add(ahead);
                }
            }
        }
        for (List<Claim> run : runs) {
            long position = run.get(0).key().index() * blockBytes;
            int maxLength = (int) Math.min(Integer.MAX_VALUE, (long) run.size() * blockBytes);
            storageGets.increment();
            Uni<byte[]> read;
            try {
                read = source.read(position, maxLength);
            } catch (RuntimeException e) {
                read = Uni.createFrom().failure(e);
            }
            read.subscribe()
                    .with(
                            bytes -> {
                                storageBytes.add(bytes.length);
                                deliver(run, bytes);
                            },
                            failure -> run.forEach(c -> fail(c, failure)));
        }
    }

    /** Claims a block to read ahead, or null when it is cached or being loaded already. */
    private Claim claimAhead(BlockKey key) {
        if (loaded(key) != null || (disk != null && disk.contains(key))) {
            return null;
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        return loading.putIfAbsent(key, mine) == null ? new Claim(key, mine) : null;
    }

    private void deliver(List<Claim> run, byte[] bytes) {
        for (int i = 0; i < run.size(); i++) {
            Claim c = run.get(i);
            long from = (long) i * blockBytes;
            if (from >= bytes.length) {
                fail(
                        c,
                        new CorruptSegmentException("object " + c.key().objectKey() + " has no block "
                                + c.key().index()));
                continue;
            }
            byte[] content = Arrays.copyOfRange(bytes, (int) from, (int) Math.min(bytes.length, from + blockBytes));
            if (disk == null) {
                finish(c, content);
            } else {
                onDisk(List.of(c), () -> {
                    disk.write(c.key(), content);
                    finish(c, content);
                });
            }
        }
    }

    private void onDisk(List<Claim> claims, Runnable task) {
        try {
            diskIo.execute(task);
        } catch (RejectedExecutionException e) {
            claims.forEach(c -> fail(c, e));
        }
    }

    private void finish(Claim c, byte[] content) {
        if (memory != null) {
            memory.putLoaded(c.key(), content);
        }
        recent.put(c.key(), content); // the same array: no copy while the memory tier keeps it too
        loading.remove(c.key(), c.future()); // after the put: a new reader finds the block in one place or the other
        c.future().complete(content);
    }

    private void fail(Claim c, Throwable t) {
        loading.remove(c.key(), c.future());
        c.future().completeExceptionally(t);
    }

    /**
     * Caches a whole object just written, block by block, in memory: tail reads of it then make no GET. Blocks
     * written are always kept, ahead of blocks loaded and read only once ({@link MemoryTier}). An object of one
     * block is kept as given, not copied (a flush's segment under load is most often one block): the caller hands
     * it over and must not change it.
     */
    public void putObject(String objectKey, byte[] object) {
        if (memory == null) {
            return;
        }
        if (object.length <= blockBytes) {
            memory.putWritten(new BlockKey(objectKey, 0), object);
            return;
        }
        for (long b = 0; b * blockBytes < object.length; b++) {
            int from = (int) (b * blockBytes);
            memory.putWritten(new BlockKey(objectKey, b), Arrays.copyOfRange(object, from, (int)
                    Math.min(object.length, (long) from + blockBytes)));
        }
    }

    /** Drops the blocks covering a range from memory and disk (their bytes failed a check). */
    public void invalidate(String objectKey, long position, int length) {
        List<BlockKey> keys = new ArrayList<>();
        for (long b = position / blockBytes; b <= (position + length - 1) / blockBytes; b++) {
            keys.add(new BlockKey(objectKey, b));
        }
        if (memory != null) {
            keys.forEach(memory::remove);
        }
        keys.forEach(recent::remove);
        if (disk != null) {
            try {
                diskIo.execute(() -> keys.forEach(disk::remove));
            } catch (RejectedExecutionException ignored) {
                // closing: the corrupt files are found again by their checks
            }
        }
    }

    /** Block lookups answered from memory: the memory tier or the recent blocks. */
    public long hits() {
        return hits.sum();
    }

    /** Of the {@link #hits()}, those the recent blocks answered (the memory tier no longer held them). */
    public long recentHits() {
        return recentHits.sum();
    }

    /** Bytes of the recent blocks, at most {@code recentBytes}. */
    public long recentBytes() {
        return recent.bytes();
    }

    /** Block lookups not in memory (served by disk, the store, or a load already under way). */
    public long misses() {
        return misses.sum();
    }

    /** Misses that joined a load another reader had started, instead of loading. */
    public long joined() {
        return joined.sum();
    }

    /** Blocks the memory tier dropped to stay within its bound. */
    public long evictions() {
        return memory == null ? 0 : memory.evictions();
    }

    /** Bytes of the memory tier. */
    public long bytes() {
        return memory == null ? 0 : memory.bytes();
    }

    /** Reads from the object store this cache made (one per run of blocks), and the bytes they returned. */
    public long storageGets() {
        return storageGets.sum();
    }

    public long storageBytes() {
        return storageBytes.sum();
    }

    /** The disk tier, if there is one. */
    public Optional<DiskBlockStore> disk() {
        return Optional.ofNullable(disk);
    }

    @Override
    public void close() {
        if (diskIo != null) {
            diskIo.shutdown();
            try {
                diskIo.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
