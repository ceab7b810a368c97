package io.eddy.core.error;

import java.util.Set;

/** A commit lost the race for one or more partition heads: re-read the heads and retry the commit only. */
public final class OffsetConflictException extends EddyException {
    private final Set<Integer> partitions;

    public OffsetConflictException(Set<Integer> partitions, Throwable cause) {
        super(ErrorCode.OFFSET_CONFLICT, "partition heads moved during commit: " + partitions, cause);
        this.partitions = Set.copyOf(partitions);
    }

    public Set<Integer> partitions() {
        return partitions;
    }
}
