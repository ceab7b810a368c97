package io.eddy.core.error;

/** A conditional write to a group lost its race, or found the group not as read: reload and decide again. */
public final class GroupConflictException extends EddyException {
    public GroupConflictException(String message, Throwable cause) {
        super(ErrorCode.GROUP_CONFLICT, message, cause);
    }
}
