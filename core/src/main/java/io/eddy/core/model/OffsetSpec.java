package io.eddy.core.model;

import java.time.Duration;

/**
 * Which offset of a partition is meant: its log start ({@link Earliest}), its high watermark ({@link Latest}),
 * or the first offset whose record timestamp is at or after a time, given as an instant ({@link AtTimestamp})
 * or as how long before now ({@link Ago}). Kafka's {@code ListOffsets} specs and the targets of
 * {@code kafka-consumer-groups --reset-offsets} alike. Immutable values.
 */
public sealed interface OffsetSpec
        permits OffsetSpec.Earliest, OffsetSpec.Latest, OffsetSpec.AtTimestamp, OffsetSpec.Ago {

    /**
     * This spec with a relative time made absolute at {@code nowMs}: {@link Ago} becomes the {@link AtTimestamp}
     * that long before {@code nowMs} (not before the epoch); every other spec is itself.
     */
    default OffsetSpec at(long nowMs) {
        return this;
    }

    /** The log start offset. */
    record Earliest() implements OffsetSpec {}

    /** The high watermark: the offset the next record will get. */
    record Latest() implements OffsetSpec {}

    /** The first offset whose record timestamp is at or after {@code epochMillis}. */
    record AtTimestamp(long epochMillis) implements OffsetSpec {
        public AtTimestamp {
            if (epochMillis < 0) {
                throw new IllegalArgumentException("a timestamp is not before the epoch: " + epochMillis);
            }
        }
    }

    /** The first offset whose record timestamp is at or after now minus {@code duration}. */
    record Ago(Duration duration) implements OffsetSpec {
        public Ago {
            if (duration == null || duration.isNegative()) {
                throw new IllegalArgumentException("a duration back from now is not negative: " + duration);
            }
        }

        @Override
        public OffsetSpec at(long nowMs) {
            return new AtTimestamp(Math.max(0, nowMs - duration.toMillis()));
        }
    }
}
