package io.eddy.client;

import java.util.Arrays;

/** A record header: a name and bytes (a {@code null} value is allowed, as in Kafka). */
public record Header(String name, byte[] value) {
    public Header {
        if (name == null) {
            throw new IllegalArgumentException("a header needs a name");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && h.name.equals(name) && Arrays.equals(h.value, value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + "=" + (value == null ? "null" : value.length + " bytes");
    }
}
