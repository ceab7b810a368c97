package io.eddy.core.produce;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.error.OffsetConflictException;
import io.eddy.core.produce.lease.LeaderLeases;
import io.eddy.core.produce.lease.LeaderLeases.Key;
import io.eddy.core.produce.lease.LeaseState;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.support.RetryPolicy;
import io.eddy.core.tail.TailSignals;
import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * Commits {@link CommitDecider.Transaction transactions}: runs the DynamoDB transaction, settles an unknown outcome
 * by looking for the index entry it would have written, keeps the lease books and wakes the partitions' tail
 * readers; and paces the rounds that follow a lost race ({@link #backoff}). Thread-safe: keeps no state of its own.
 */
final class Committer {
    private final MetadataStore metadata;
    private final LeaderLeases leases;
    private final TailSignals signals;
    private final RetryPolicy policy;
    private final ProduceMetrics metrics;

    Committer(
            MetadataStore metadata,
            LeaderLeases leases,
            TailSignals signals,
            RetryPolicy policy,
            ProduceMetrics metrics) {
        this.metadata = metadata;
        this.leases = leases;
        this.signals = signals;
        this.policy = policy;
        this.metrics = metrics;
    }

    /** How a transaction ended. */
    sealed interface Outcome permits Committed, Conflicted, Failed {}

    /** It committed (maybe found so after an unknown outcome). */
    record Committed() implements Outcome {}

    /** Its condition failed: another writer moved a head or a producer state; decide again on fresh reads. */
    record Conflicted() implements Outcome {}

    /** It is known not to have committed; {@code cause} is for the requests with runs on its partitions. */
    record Failed(Throwable cause) implements Outcome {}

    /** The expiry a commit made now extends its leases to. */
    long renewedUntil() {
        return leases.renewedUntil();
    }

    /** Commits one transaction; the item is its outcome (never a failure). */
    Uni<Outcome> commit(CommitDecider.Transaction<?> tx) {
        CommitBatch batch = tx.batch();
        return metadata.commit(batch)
                .invoke(c -> metrics.transaction(c.items(), c.writeUnits()))
                .onFailure(Committer::outcomeUnknown)
                .recoverWithUni(failure -> committedAnyway(batch, failure))
                .map(ignored -> {
                    for (CommitBatch.PartitionCommit c : batch.partitions()) {
                        Key k = new Key(c.topicId(), c.partition());
                        LeaseState.Held held = tx.leases().get(k);
                        if (held != null) {
                            leases.committed(
                                    k,
                                    held,
                                    c.entry().lastOffset() + 1,
                                    c.lease().renewUntilMs());
                        }
                        signals.committed(c.topicId(), c.partition(), c.entry());
                    }
                    return (Outcome) new Committed();
                })
                .onFailure(OffsetConflictException.class)
                .recoverWithItem(conflict -> {
                    tx.leases().forEach(leases::conflicted);
                    return new Conflicted();
                })
                .onFailure()
                .recoverWithItem(Failed::new);
    }

    /** A failure after which the commit may or may not have happened (a timeout, a lost response, a 5xx). */
    private static boolean outcomeUnknown(Throwable t) {
        return RetryPolicy.retryable(t) && !(t instanceof OffsetConflictException);
    }

    /**
     * Whether a commit whose outcome is unknown happened after all: the transaction is all-or-nothing, so the
     * index entry of its first partition, at the expected offset and pointing at our object, decides. If it
     * did, the produce succeeds (a client retry would otherwise store the records twice); if it did not, or
     * the check fails too, the original failure stands and the client may retry.
     */
    private Uni<MetadataStore.Committed> committedAnyway(CommitBatch batch, Throwable failure) {
        CommitBatch.PartitionCommit first = batch.partitions().get(0);
        return metadata.entryAtOrBefore(first.topicId(), first.partition(), first.expectedNextOffset())
                .onFailure()
                .recoverWithItem(Optional.empty())
                .flatMap(found -> found.filter(e -> e.baseOffset() == first.expectedNextOffset()
                                        && e.objectKey().equals(first.entry().objectKey())
                                        && e.position() == first.entry().position())
                                .isPresent()
                        ? Uni.createFrom().item(new MetadataStore.Committed(batch.itemCount(), Double.NaN))
                        : Uni.createFrom().failure(failure));
    }

    /**
     * Waits before round {@code attempt + 1} after {@code attempt} rounds lost races; fails with
     * {@code offset_conflict} once the policy's attempts are spent.
     */
    Uni<Void> backoff(int attempt) {
        return redo(attempt).onItem().delayIt().by(policy.backoff(attempt));
    }

    /**
     * Allows round {@code attempt + 1} at once (a flush ahead did not land what this one was decided on: nothing
     * raced, the decision is merely stale); fails with {@code offset_conflict} once the policy's attempts are spent.
     */
    Uni<Void> redo(int attempt) {
        if (attempt >= policy.maxAttempts()) {
            return Uni.createFrom()
                    .failure(new EddyException(
                            ErrorCode.OFFSET_CONFLICT,
                            "gave up committing after " + attempt + " conflicts with other writers"));
        }
        return Uni.createFrom().voidItem();
    }
}
