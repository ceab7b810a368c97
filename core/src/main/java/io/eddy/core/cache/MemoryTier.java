package io.eddy.core.cache;

import io.eddy.core.cache.BlockCache.BlockKey;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory tier of a {@link BlockCache}: blocks bounded in bytes, kept in two least-recently-used lists as an
 * operating system's page cache keeps pages (the cache a Kafka broker reads through).
 *
 * <ul>
 *   <li><em>Active</em>: blocks written through ({@link #putWritten}) and loaded blocks read a second time. They
 *       hold at most three quarters of the tier; past that the least recently used is moved to the inactive list.
 *   <li><em>Inactive</em>: blocks loaded by a read ({@link #putLoaded}) and those the active list let go. A hit
 *       moves a block to the active list. When the tier is over its bound, the inactive list's least recently
 *       used block goes first, the active list's only when the inactive one is empty.
 * </ul>
 *
 * <p>So every block is admitted (unlike Caffeine's W-TinyLFU, which turns away a block just written in favour of
 * one read once long ago: in a log the newest blocks are the likeliest reads, by tail consumers), and a catch-up
 * reader's scan of more than the tier holds, each block read once, cycles through the inactive list without
 * pushing out the blocks just written or those read again.
 *
 * <p>Thread-safe: one lock around two linked maps; each call does O(1) work plus the moves and evictions it causes
 * (a block is megabytes, so calls are few).
 */
final class MemoryTier {
    private final long maxBytes;
    private final long activeMaxBytes;
    private final LinkedHashMap<BlockKey, byte[]> active = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<BlockKey, byte[]> inactive = new LinkedHashMap<>(16, 0.75f, true);
    private long activeBytes;
    private long inactiveBytes;
    private long evictions;

    MemoryTier(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("a memory tier holds at least 1 byte, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.activeMaxBytes = maxBytes - maxBytes / 4;
    }

    /** The block, or null; a hit on an inactive block makes it active. */
    synchronized byte[] get(BlockKey key) {
        byte[] block = active.get(key);
        if (block != null) {
            return block;
        }
        block = inactive.remove(key);
        if (block != null) {
            inactiveBytes -= block.length;
            activate(key, block);
        }
        return block;
    }

    /** The block, or null, leaving the lists as they are (a look, not a use). */
    synchronized byte[] peek(BlockKey key) {
        byte[] block = active.get(key);
        return block != null ? block : inactive.get(key);
    }

    /** Keeps a block just written through: active at once. */
    synchronized void putWritten(BlockKey key, byte[] block) {
        if (block.length > maxBytes) {
            return;
        }
        remove(key);
        activate(key, block);
        trim();
    }

    /** Keeps a block a read loaded: inactive until read again (a block already held stays where it is). */
    synchronized void putLoaded(BlockKey key, byte[] block) {
        if (block.length > maxBytes || active.containsKey(key) || inactive.containsKey(key)) {
            return;
        }
        inactive.put(key, block);
        inactiveBytes += block.length;
        trim();
    }

    synchronized void remove(BlockKey key) {
        byte[] old = active.remove(key);
        if (old != null) {
            activeBytes -= old.length;
        }
        old = inactive.remove(key);
        if (old != null) {
            inactiveBytes -= old.length;
        }
    }

    synchronized long bytes() {
        return activeBytes + inactiveBytes;
    }

    /** Blocks dropped to stay within the bound. */
    synchronized long evictions() {
        return evictions;
    }

    private void activate(BlockKey key, byte[] block) {
        active.put(key, block);
        activeBytes += block.length;
        Iterator<Map.Entry<BlockKey, byte[]>> oldest = active.entrySet().iterator();
        while (activeBytes > activeMaxBytes && active.size() > 1) {
            Map.Entry<BlockKey, byte[]> demoted = oldest.next();
            oldest.remove();
            activeBytes -= demoted.getValue().length;
            inactive.put(demoted.getKey(), demoted.getValue());
            inactiveBytes += demoted.getValue().length;
        }
    }

    private void trim() {
        while (activeBytes + inactiveBytes > maxBytes) {
            LinkedHashMap<BlockKey, byte[]> from = inactive.isEmpty() ? active : inactive;
            Iterator<Map.Entry<BlockKey, byte[]>> oldest = from.entrySet().iterator();
            int length = oldest.next().getValue().length;
            oldest.remove();
            if (from == active) {
                activeBytes -= length;
            } else {
                inactiveBytes -= length;
            }
            evictions++;
        }
    }
}
