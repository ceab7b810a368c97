package io.eddy.core.model;

import java.util.List;

/**
 * A record as produced or fetched. Key and value are bytes (either may be null; a null value is a tombstone).
 *
 * @param offset    the record's offset, or -1 before it is assigned
 * @param timestamp create time in epoch milliseconds
 */
public record Record(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {
    public Record {
        headers = List.copyOf(headers);
    }

    /** Bytes this record counts against fetch and produce size limits. */
    public int sizeInBytes() {
        int size = 24 + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += h.name().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }
}
