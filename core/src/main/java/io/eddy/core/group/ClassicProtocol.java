package io.eddy.core.group;

import java.util.Arrays;

/**
 * One protocol a classic member supports (for Kafka's consumers, an assignor) with its opaque metadata. The array
 * is neither copied nor ever modified. Immutable value; thread-safe.
 */
public record ClassicProtocol(String name, byte[] metadata) {
    public ClassicProtocol {
        if (name == null || metadata == null) {
            throw new IllegalArgumentException("a protocol needs a name and metadata");
        }
    }

    /** Same name, same metadata bytes. */
    public boolean sameAs(ClassicProtocol other) {
        return name.equals(other.name) && Arrays.equals(metadata, other.metadata);
    }
}
