package io.eddy.core.idempotency;

import io.smallrye.mutiny.Uni;

/**
 * Port to where {@code Idempotency-Key}s of produce requests are remembered: a request claims its key, and its
 * response is stored for replay. A key is its principal's own: the same key sent by two principals is two keys,
 * so no caller can replay (or block) another's request. Implementations are thread-safe and decide with
 * conditional writes, so two instances racing for one key never both run the request.
 */
public interface IdempotencyKeys {

    /**
     * Claims {@code principal}'s {@code key} for a request whose body and target hash to {@code fingerprint}.
     *
     * @param inFlightUntilMs after this time an unfinished claim (its instance died) may be taken over
     * @param expiresAtMs     after this time the key is forgotten
     */
    Uni<Claim> claim(
            String principal, String key, String fingerprint, long nowMs, long inFlightUntilMs, long expiresAtMs);

    /**
     * Stores the response of a claimed key, for replay until {@code expiresAtMs}, whatever its size (up to the
     * largest response a produce can have).
     */
    Uni<Void> complete(String principal, String key, String fingerprint, StoredResponse response, long expiresAtMs);

    /** Gives a claimed key up (the request failed in a way a retry may fix): the next request with it runs. */
    Uni<Void> release(String principal, String key, String fingerprint);

    /** What claiming a key found. */
    sealed interface Claim permits Claimed, Replay, InFlight, Reused {}

    /** The key is this request's: run it, then {@link #complete} or {@link #release}. */
    record Claimed() implements Claim {}

    /** The same request was answered before: send this again. */
    record Replay(StoredResponse response) implements Claim {}

    /** The same request is still running elsewhere. */
    record InFlight() implements Claim {}

    /** The key was used for a different request. */
    record Reused() implements Claim {}

    /** A response as sent. */
    record StoredResponse(int status, String contentType, byte[] body) {}
}
