package io.eddy.kafka.fetch;

import io.eddy.kafka.MetadataHandler;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;

/**
 * The leader epoch checks of Fetch, ListOffsets and OffsetForLeaderEpoch against the one epoch Metadata reports
 * ({@link MetadataHandler#LEADER_EPOCH}, forever), as a Kafka leader checks a request's current leader epoch:
 * none given (-1) or the current one passes; a newer one is {@code UNKNOWN_LEADER_EPOCH} (the client saw an
 * epoch this cluster never had), an older one {@code FENCED_LEADER_EPOCH}. A client that only ever saw Eddy's
 * Metadata sends -1 or 0 and is never refused. Stateless and thread-safe.
 */
final class LeaderEpochs {
    static final int CURRENT = MetadataHandler.LEADER_EPOCH;

    private LeaderEpochs() {}

    /** Kafka's error for a request naming {@code currentLeaderEpoch}, {@code NONE} when it may go on. */
    static Errors check(int currentLeaderEpoch) {
        if (currentLeaderEpoch == RecordBatch.NO_PARTITION_LEADER_EPOCH || currentLeaderEpoch == CURRENT) {
            return Errors.NONE;
        }
        return currentLeaderEpoch > CURRENT ? Errors.UNKNOWN_LEADER_EPOCH : Errors.FENCED_LEADER_EPOCH;
    }
}
