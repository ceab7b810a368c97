package io.eddy.core.cache;

import io.eddy.core.cache.BlockCache.BlockKey;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The blocks loaded last, first in first out, bounded in bytes: a window in which one GET of a block serves every
 * reader that needs it soon after, whatever the memory tier keeps. A segment object holds a chunk of each
 * partition its flush wrote, and the consumers of those partitions reach it one after another; the first loads
 * the block, the others find it here as long as fewer than {@code maxBytes} of other blocks were loaded meanwhile.
 *
 * <p>Deliberately not a frequency-admitting cache (Caffeine's TinyLFU may refuse a block seen once, which is every
 * block here) and not refreshed by hits: the order is the order of loading, so a flood of distinct objects pushes
 * out the oldest and the bytes held never exceed {@code maxBytes}. A block larger than {@code maxBytes} is not kept.
 *
 * <p>Thread-safe: one lock around a linked map; each call does O(1) work plus the evictions it causes.
 */
final class RecentBlocks {
    private final long maxBytes;
    private final LinkedHashMap<BlockKey, byte[]> blocks = new LinkedHashMap<>();
    private long bytes;

    RecentBlocks(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("recent blocks bytes must be at least 0, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    synchronized byte[] get(BlockKey key) {
        return blocks.get(key);
    }

    /** Keeps a block just loaded, as the newest, evicting the oldest while over the bound. */
    synchronized void put(BlockKey key, byte[] block) {
        if (block.length > maxBytes) {
            return;
        }
        byte[] old = blocks.remove(key);
        if (old != null) {
            bytes -= old.length;
        }
        blocks.put(key, block);
        bytes += block.length;
        Iterator<Map.Entry<BlockKey, byte[]>> oldest = blocks.entrySet().iterator();
        while (bytes > maxBytes) {
            bytes -= oldest.next().getValue().length;
            oldest.remove();
        }
    }

    synchronized void remove(BlockKey key) {
        byte[] old = blocks.remove(key);
        if (old != null) {
            bytes -= old.length;
        }
    }

    synchronized long bytes() {
        return bytes;
    }
}
