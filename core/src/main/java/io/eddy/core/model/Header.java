package io.eddy.core.model;

/** A record header; the value may be null, as in Kafka. */
public record Header(String name, byte[] value) {
    public Header {
        if (name == null) {
            throw new IllegalArgumentException("a header needs a name");
        }
    }
}
