package io.eddy.core.group;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.regex.Pattern;

/** A consumer group's name: {@code [a-zA-Z0-9._-]{1,249}}, the characters Kafka allows in topic names. */
public record GroupId(String value) {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public GroupId {
        if (value == null || !LEGAL.matcher(value).matches()) {
            throw new EddyException(ErrorCode.INVALID_GROUP_ID, "group names are 1 to 249 of [a-zA-Z0-9._-]");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
