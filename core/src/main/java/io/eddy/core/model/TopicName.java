package io.eddy.core.model;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.regex.Pattern;

/** A topic name, valid by Kafka's rules: {@code [a-zA-Z0-9._-]{1,249}}, and neither "." nor "..". */
public record TopicName(String value) {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public TopicName {
        if (value == null || !LEGAL.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new EddyException(
                    ErrorCode.INVALID_TOPIC_NAME, "topic names are 1 to 249 of [a-zA-Z0-9._-], and not '.' or '..'");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
