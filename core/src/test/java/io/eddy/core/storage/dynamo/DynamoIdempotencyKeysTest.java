package io.eddy.core.storage.dynamo;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.idempotency.IdempotencyKeys;
import io.eddy.core.idempotency.IdempotencyKeys.Claim;
import io.eddy.core.idempotency.IdempotencyKeys.StoredResponse;
import io.eddy.core.support.RetryPolicy;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Idempotency-Keys on DynamoDB Local: claims decided by conditional writes, responses of any size replayed whole. */
@ExtendWith(EddyStackExtension.class)
class DynamoIdempotencyKeysTest {
    private static final long NOW = 1_764_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static CoreInstance instance;
    private static IdempotencyKeys keys;

    @BeforeAll
    static void start(EddyStack stack) {
        instance = CoreInstance.on(stack).start().ensureResources();
        keys = new DynamoIdempotencyKeys(instance.dynamo(), instance.table(), RetryPolicy.defaults());
    }

    @AfterAll
    static void stop() {
        instance.close();
    }

    private static final String ALICE = "alice";

    private static Claim claim(String key, String fingerprint, long now) {
        return claim(ALICE, key, fingerprint, now);
    }

    private static Claim claim(String principal, String key, String fingerprint, long now) {
        return await(keys.claim(principal, key, fingerprint, now, now + 120_000, now + DAY));
    }

    @Test
    void aKeyIsItsPrincipalsOwn() {
        String key = UUID.randomUUID().toString();
        byte[] body = "{\"offsets\":[{\"partition\":0,\"offset\":7}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(claim(ALICE, key, "fp", NOW)).isInstanceOf(IdempotencyKeys.Claimed.class);
        await(keys.complete(ALICE, key, "fp", new StoredResponse(200, "application/json", body), NOW + DAY));

        // the same key from another principal is another key: neither a replay of alice's answer nor reused
        assertThat(claim("bob", key, "fp", NOW)).isInstanceOf(IdempotencyKeys.Claimed.class);
        assertThat(claim("bob", key, "other", NOW)).isInstanceOf(IdempotencyKeys.Reused.class);
        // names and keys may hold '#': ("a#", key) and ("a", "#" + key) do not meet
        assertThat(claim("a#", key, "fp", NOW)).isInstanceOf(IdempotencyKeys.Claimed.class);
        assertThat(claim("a", "#" + key, "fp", NOW)).isInstanceOf(IdempotencyKeys.Claimed.class);
        assertThat(claim(ALICE, key, "fp", NOW)).isInstanceOf(IdempotencyKeys.Replay.class);
    }

    @Test
    void aKeyIsClaimedOnceThenInFlightThenReplayed() {
        String key = UUID.randomUUID().toString();
        assertThat(claim(key, "fp", NOW)).isInstanceOf(IdempotencyKeys.Claimed.class);
        assertThat(claim(key, "fp", NOW)).isInstanceOf(IdempotencyKeys.InFlight.class);
        assertThat(claim(key, "other", NOW)).isInstanceOf(IdempotencyKeys.Reused.class);

        byte[] body = "{\"offsets\":[{\"partition\":0,\"offset\":0}]}".getBytes(StandardCharsets.UTF_8);
        await(keys.complete(ALICE, key, "fp", new StoredResponse(200, "application/json", body), NOW + DAY));

        Claim replay = claim(key, "fp", NOW);
        assertThat(replay).isInstanceOfSatisfying(IdempotencyKeys.Replay.class, r -> {
            assertThat(r.response().status()).isEqualTo(200);
            assertThat(r.response().contentType()).isEqualTo("application/json");
            assertThat(r.response().body()).isEqualTo(body);
        });
    }

    /** Past DynamoDB's 400 KB item limit, even gzipped: the body is stored in parts and comes back byte for byte. */
    @Test
    void aResponseLargerThanAnItemIsStoredInPartsAndReplayedWhole() {
        String key = UUID.randomUUID().toString();
        byte[] body = new byte[3 * DynamoIdempotencyKeys.PART_BYTES + 1234];
        new Random(7).nextBytes(body); // random bytes do not compress: several parts
        assertThat(claim(key, "fp", NOW)).isInstanceOf(IdempotencyKeys.Claimed.class);

        await(keys.complete(ALICE, key, "fp", new StoredResponse(200, "application/json", body), NOW + DAY));

        assertThat(claim(key, "fp", NOW))
                .isInstanceOfSatisfying(
                        IdempotencyKeys.Replay.class,
                        r -> assertThat(r.response().body()).isEqualTo(body));
    }

    @Test
    void aReleasedKeyRunsAgainAndAnExpiredOneIsForgotten() {
        String key = UUID.randomUUID().toString();
        claim(key, "fp", NOW);
        await(keys.release(ALICE, key, "fp"));
        assertThat(claim(key, "fp", NOW)).isInstanceOf(IdempotencyKeys.Claimed.class);
        await(keys.complete(
                ALICE, key, "fp", new StoredResponse(200, "application/json", new byte[] {'{', '}'}), NOW + DAY));

        assertThat(claim(key, "other", NOW + DAY + 2_000))
                .as("after expiry the key is new")
                .isInstanceOf(IdempotencyKeys.Claimed.class);
    }

    @Test
    void anAbandonedClaimIsTakenOverAfterItsInFlightLimitByTheSameRequestOnly() {
        String key = UUID.randomUUID().toString();
        claim(key, "fp", NOW);
        assertThat(claim(key, "other", NOW + 130_000)).isInstanceOf(IdempotencyKeys.Reused.class);
        assertThat(claim(key, "fp", NOW + 130_000)).isInstanceOf(IdempotencyKeys.Claimed.class);
    }
}
