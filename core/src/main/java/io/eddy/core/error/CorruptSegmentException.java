package io.eddy.core.error;

/** A segment object, or a range of one, does not decode: bad magic, version, lengths or checksum. */
public final class CorruptSegmentException extends EddyException {
    public CorruptSegmentException(String message) {
        super(ErrorCode.CORRUPT_SEGMENT, message);
    }
}
