package io.eddy.core.produce;

/**
 * Where the segment objects a flush just wrote go, whole, so that a tail read right after needs no GET: the
 * {@code BlockCache} ({@code cache::putObject}), or {@link #none()} where reads do not share this process.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface WriteThroughCache {

    /** Takes the whole object just written under {@code objectKey}; the caller does not change it afterwards. */
    void putObject(String objectKey, byte[] object);

    /** Keeps nothing. */
    static WriteThroughCache none() {
        return (objectKey, object) -> {};
    }
}
