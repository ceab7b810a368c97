package io.eddy.core.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * The disk tier of the block cache: one file per cached block in one directory, bounded in bytes, surviving a
 * process restart (a Lambda keeps {@code /tmp} while its execution environment lives; a server keeps
 * {@code <data dir>/cache}).
 *
 * <p>File format, version 1, all integers big-endian:
 * <pre>
 * offset  length      field
 *      0       4      MAGIC        "EBLK"
 *      4       1      VERSION      1
 *      5       2      KEY_LENGTH   bytes of KEY
 *      7       KEY_LENGTH  KEY     the object key, UTF-8
 *      .       8      BLOCK        the block's index in the object
 *      .       4      LENGTH       bytes of CONTENT
 *      .       4      CRC32C       of KEY, BLOCK and CONTENT
 *      .       LENGTH CONTENT      the block's bytes
 * </pre>
 * A file is named by a hash of (object key, block) and is written under a temporary name in the same directory,
 * then renamed atomically: a crash leaves a temporary file (deleted at the next start) or a whole file. A file
 * that fails any check when read (cut short, a flipped bit, another block's content) is deleted and counted as
 * corrupt, and the read is a miss: the caller reads the block from S3 again.
 *
 * <p>Eviction: least recently used first, once the files' total size passes {@code maxBytes}; the order is kept
 * in memory and, at start, rebuilt from the files' modification times by scanning the directory.
 *
 * <p>All methods do blocking file I/O: call them from a worker thread, never an event loop. Thread-safe.
 */
public final class DiskBlockStore {
    static final byte[] MAGIC = "EBLK".getBytes(StandardCharsets.US_ASCII);
    static final byte VERSION = 1;
    private static final String SUFFIX = ".blk";
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path dir;
    private final long maxBytes;
    /** File name → size, in access order (eldest first). Guarded by {@code this}. */
    private final LinkedHashMap<String, Long> files = new LinkedHashMap<>(256, 0.75f, true);

    private long totalBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder corrupt = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();

    /** Opens (creating it if need be) the cache directory and indexes the blocks already in it. */
    public DiskBlockStore(Path dir, long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("a disk cache needs a positive size, not " + maxBytes);
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(dir);
            scan();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + dir + " as the block cache directory", e);
        }
    }

    private record Found(String name, long size, long modified) {}

    private void scan() throws IOException {
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    Files.deleteIfExists(p); // a write cut short by a crash
                } else if (name.endsWith(SUFFIX)) {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    found.add(new Found(name, a.size(), a.lastModifiedTime().toMillis()));
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.modified(), b.modified()));
        synchronized (this) {
            for (Found f : found) {
                files.put(f.name(), f.size());
                totalBytes += f.size();
            }
            evictOverLimit();
        }
    }

    /** Whether the block has a file (which may still turn out corrupt when read). Cheap: no I/O. */
    public synchronized boolean contains(BlockCache.BlockKey key) {
        return files.containsKey(fileName(key));
    }

    /** The block's content, or empty when it has no file or its file is corrupt (which is then deleted). */
    public Optional<byte[]> read(BlockCache.BlockKey key) {
        String name = fileName(key);
        synchronized (this) {
            if (files.get(name) == null) { // get: counts as an access for the LRU order
                misses.increment();
                return Optional.empty();
            }
        }
        byte[] file;
        try {
            file = Files.readAllBytes(dir.resolve(name));
        } catch (NoSuchFileException e) {
            forget(name); // evicted meanwhile
            misses.increment();
            return Optional.empty();
        } catch (IOException e) {
            drop(name);
            misses.increment();
            return Optional.empty();
        }
        Optional<byte[]> content = decode(file, key);
        if (content.isEmpty()) {
            corrupt.increment();
            misses.increment();
            drop(name);
            return content;
        }
        hits.increment();
        return content;
    }

    /** Stores the block's content (replacing any file it had); failures are counted, never thrown. */
    public void write(BlockCache.BlockKey key, byte[] content) {
        String name = fileName(key);
        byte[] file = encode(key, content);
        Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
        try {
            Files.write(temp, file);
            try {
                Files.move(
                        temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            writeFailures.increment();
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the next start deletes it
            }
            return;
        }
        synchronized (this) {
            Long previous = files.put(name, (long) file.length);
            totalBytes += file.length - (previous == null ? 0 : previous);
            evictOverLimit();
        }
    }

    /** Deletes the block's file, if any. */
    public void remove(BlockCache.BlockKey key) {
        drop(fileName(key));
    }

    private void evictOverLimit() { // holds this
        Iterator<Map.Entry<String, Long>> eldest = files.entrySet().iterator();
        while (totalBytes > maxBytes && eldest.hasNext()) {
            Map.Entry<String, Long> e = eldest.next();
            eldest.remove();
            totalBytes -= e.getValue();
            evictions.increment();
            deleteQuietly(e.getKey());
        }
    }

    private void drop(String name) {
        forget(name);
        deleteQuietly(name);
    }

    private synchronized void forget(String name) {
        Long size = files.remove(name);
        if (size != null) {
            totalBytes -= size;
        }
    }

    private void deleteQuietly(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException ignored) {
            // a file that cannot be deleted is overwritten by the next write of its block
        }
    }

    static String fileName(BlockCache.BlockKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(key.objectKey().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(ByteBuffer.allocate(8).putLong(0, key.index()).array());
            return HexFormat.of().formatHex(sha.digest(), 0, 16) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static byte[] encode(BlockCache.BlockKey key, byte[] content) {
        byte[] k = key.objectKey().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 1 + 2 + k.length + 8 + 4 + 4 + content.length);
        out.put(MAGIC)
                .put(VERSION)
                .putShort((short) k.length)
                .put(k)
                .putLong(key.index())
                .putInt(content.length)
                .putInt(crc(k, key.index(), content, 0, content.length))
                .put(content);
        return out.array();
    }

    /** The content of a block file, or empty when the file is not a whole, intact file of {@code key}. */
    static Optional<byte[]> decode(byte[] file, BlockCache.BlockKey key) {
        byte[] k = key.objectKey().getBytes(StandardCharsets.UTF_8);
        int header = MAGIC.length + 1 + 2 + k.length + 8 + 4 + 4;
        if (file.length < header
                || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || file[MAGIC.length] != VERSION) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(file);
        int keyLength = in.getShort(MAGIC.length + 1) & 0xffff;
        if (keyLength != k.length
                || !Arrays.equals(file, MAGIC.length + 3, MAGIC.length + 3 + k.length, k, 0, k.length)) {
            return Optional.empty(); // a hash collision, or a damaged key
        }
        int at = MAGIC.length + 3 + k.length;
        long block = in.getLong(at);
        int length = in.getInt(at + 8);
        int crc = in.getInt(at + 12);
        if (block != key.index() || length != file.length - header || crc != crc(k, block, file, header, length)) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(file, header, file.length));
    }

    private static int crc(byte[] key, long block, byte[] content, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(key);
        crc.update(ByteBuffer.allocate(8).putLong(0, block).array());
        crc.update(content, from, length);
        return (int) crc.getValue();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long evictions() {
        return evictions.sum();
    }

    /** Files found corrupt (and deleted) when read. */
    public long corrupt() {
        return corrupt.sum();
    }

    public long writeFailures() {
        return writeFailures.sum();
    }

    public synchronized long bytes() {
        return totalBytes;
    }

    /** The directory holding the block files. */
    public Path directory() {
        return dir;
    }

    /** The file holding {@code key}'s block (whether or not it exists): for operators and tests. */
    public Path fileOf(BlockCache.BlockKey key) {
        return dir.resolve(fileName(key));
    }
}
