package io.eddy.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.idempotency.IdempotencyKeys;
import io.eddy.runtime.Problems;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The {@code Idempotency-Key} header on produce: the first request with a key runs and its response (success or
 * client error) is stored; a retry with the same key and request gets that response again; the same key with a
 * different request is 422 {@code idempotency_key_reused}; a retry while the first still runs is 409
 * {@code idempotency_key_in_flight}. A request failing with a retryable error gives its key back, so the retry
 * runs. A key is the calling principal's own: another principal sending the same key runs its own request.
 * Thread-safe.
 */
public final class IdempotentRequests {
    private static final Logger LOG = Logger.getLogger(IdempotentRequests.class);
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    /** An unfinished claim older than this is taken over (its instance died mid-request). */
    private static final Duration IN_FLIGHT_LIMIT = Duration.ofMinutes(2);

    private final IdempotencyKeys keys;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Duration ttl;
    /** The name of the principal of the request being served (read on the request's thread). */
    private final Supplier<String> principal;

    public IdempotentRequests(
            IdempotencyKeys keys, ObjectMapper mapper, Clock clock, Duration ttl, Supplier<String> principal) {
        this.keys = keys;
        this.mapper = mapper;
        this.clock = clock;
        this.ttl = ttl;
        this.principal = principal;
    }

    /**
     * Runs {@code request} under {@code key} (or plainly when the key is null). {@code target} names what the
     * request does (method, path, query, content type); with the body it decides what "the same request" is.
     */
    public Uni<Response> run(String key, String target, byte[] body, Supplier<Uni<Response>> request) {
        if (key == null) {
            return request.get();
        }
        if (!KEY.matcher(key).matches()) {
            throw new EddyException(
                    ErrorCode.INVALID_PARAMETER,
                    "Idempotency-Key must be 1 to 255 visible ASCII characters",
                    Map.of("parameter", "Idempotency-Key"));
        }
        String owner = principal.get();
        String fingerprint = fingerprint(target, body);
        long now = clock.millis();
        return keys.claim(owner, key, fingerprint, now, now + IN_FLIGHT_LIMIT.toMillis(), now + ttl.toMillis())
                .flatMap(claim -> answer(claim, owner, key, fingerprint, request));
    }

    private Uni<Response> answer(
            IdempotencyKeys.Claim claim,
            String owner,
            String key,
            String fingerprint,
            Supplier<Uni<Response>> request) {
        if (claim instanceof IdempotencyKeys.Replay replay) {
            return Uni.createFrom()
                    .item(Response.status(replay.response().status())
                            .type(replay.response().contentType())
                            .entity(replay.response().body())
                            .header("Idempotent-Replayed", "true")
                            .build());
        }
        if (claim instanceof IdempotencyKeys.InFlight) {
            return Uni.createFrom()
                    .failure(new EddyException(
                            ErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT,
                            "a request with this Idempotency-Key is still running; retry shortly",
                            Map.of("idempotency_key", key)));
        }
        if (claim instanceof IdempotencyKeys.Reused) {
            return Uni.createFrom()
                    .failure(new EddyException(
                            ErrorCode.IDEMPOTENCY_KEY_REUSED,
                            "this Idempotency-Key was used for a different request",
                            Map.of("idempotency_key", key)));
        }
        return Uni.createFrom()
                .deferred(request::get)
                .onFailure(EddyException.class)
                .recoverWithUni(failure -> failed(owner, key, fingerprint, (EddyException) failure))
                .flatMap(response -> store(owner, key, fingerprint, response));
    }

    /**
     * Stores the answer for replay, and sends it. The request has taken effect by now, so a store that fails
     * must not turn it into an error (the client would retry and write twice): the answer goes out, the failure
     * is logged, and the key stays in flight until {@link #IN_FLIGHT_LIMIT} (a retry meanwhile gets 409).
     */
    private Uni<Response> store(String owner, String key, String fingerprint, Response response) {
        byte[] bytes = serialize(response.getEntity());
        String type = response.getMediaType() == null
                ? "application/json"
                : response.getMediaType().toString();
        Response answer =
                Response.status(response.getStatus()).type(type).entity(bytes).build();
        return keys.complete(
                        owner,
                        key,
                        fingerprint,
                        new IdempotencyKeys.StoredResponse(response.getStatus(), type, bytes),
                        clock.millis() + ttl.toMillis())
                .replaceWith(answer)
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf(
                            "could not store the response of Idempotency-Key '%s' for replay: %s",
                            key, failure.getMessage());
                    return answer;
                });
    }

    /** A client error is the request's answer and is replayed; a retryable failure gives the key back. */
    private Uni<Response> failed(String owner, String key, String fingerprint, EddyException failure) {
        if (failure.retryable() || failure.code().status() >= 500) {
            return keys.release(owner, key, fingerprint)
                    .onFailure()
                    .recoverWithNull()
                    .flatMap(ignored -> Uni.createFrom().failure(failure));
        }
        Map<String, Object> problem = Problems.body(failure.code(), failure.getMessage(), failure.details(), null);
        return Uni.createFrom()
                .item(Response.status(failure.code().status())
                        .type(Problems.PROBLEM_JSON)
                        .entity(problem)
                        .build());
    }

    private byte[] serialize(Object entity) {
        if (entity == null) {
            return new byte[0];
        }
        if (entity instanceof byte[] bytes) {
            return bytes;
        }
        try {
            return mapper.writeValueAsBytes(entity);
        } catch (JsonProcessingException e) {
            throw new EddyException(ErrorCode.INTERNAL_ERROR, "could not serialize a response", e);
        }
    }

    static String fingerprint(String target, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(target.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
