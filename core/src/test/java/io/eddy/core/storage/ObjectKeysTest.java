package io.eddy.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fixtures.MutableClock;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class ObjectKeysTest {
    private static final Pattern SEGMENT_KEY = Pattern.compile("segments/([0-9a-f]{2})/([0-9A-HJKMNP-TV-Z]{26})\\.seg");
    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    /** The largest time a ULID holds: 48 bits of milliseconds. */
    private static final long MAX_ULID_MILLIS = (1L << 48) - 1;

    @Example
    void segmentKeysAreSpreadOverHexPrefixesAndEndInAUlid() {
        ObjectKeys keys = new ObjectKeys(Clock.systemUTC());

        for (int i = 0; i < 1_000; i++) {
            assertThat(keys.newSegmentKey()).matches(SEGMENT_KEY);
        }
    }

    @Example
    void hundredThousandKeysAreUniqueAndUseEveryPrefix() {
        ObjectKeys keys = new ObjectKeys(new MutableClock(Instant.parse("2026-01-01T00:00:00Z"))); // one millisecond
        Set<String> seen = new HashSet<>();
        Set<String> prefixes = new HashSet<>();

        for (int i = 0; i < 100_000; i++) {
            String key = keys.newSegmentKey();
            assertThat(seen.add(key))
                    .as("key %s repeated after %d keys", key, i)
                    .isTrue();
            Matcher m = SEGMENT_KEY.matcher(key);
            assertThat(m.matches()).as(key).isTrue();
            prefixes.add(m.group(1));
        }

        assertThat(prefixes).hasSize(256);
    }

    @Property(tries = 500)
    void ulidsSortByTheClock(
            @ForAll @LongRange(min = 0, max = MAX_ULID_MILLIS - 1) long earlier,
            @ForAll @LongRange(min = 1, max = MAX_ULID_MILLIS) long gap) {
        long later = earlier + Math.min(gap, MAX_ULID_MILLIS - earlier);
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(earlier));
        ObjectKeys keys = new ObjectKeys(clock);

        String first = keys.ulid();
        clock.set(Instant.ofEpochMilli(later));
        String second = keys.ulid();

        assertThat(first).isLessThan(second);
    }

    @Property(tries = 500)
    void ulidStartsWithTheClocksMillisecondsInCrockfordBase32(
            @ForAll @LongRange(min = 0, max = MAX_ULID_MILLIS) long millis) {
        String ulid = new ObjectKeys(new MutableClock(Instant.ofEpochMilli(millis))).ulid();

        long decoded = 0;
        for (char c : ulid.substring(0, 10).toCharArray()) {
            decoded = decoded * 32 + CROCKFORD.indexOf(c);
        }
        assertThat(decoded).isEqualTo(millis);
        assertThat(ulid).hasSize(26).matches("[0-7][0-9A-HJKMNP-TV-Z]{25}");
    }

    @Example
    void keysMadeLaterSortAfterEarlierOnesWithinAPrefix() {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
        ObjectKeys keys = new ObjectKeys(clock);
        String before = ulidOf(keys.newSegmentKey());
        clock.advance(java.time.Duration.ofMillis(1));
        String after = ulidOf(keys.newSegmentKey());

        assertThat(before).isLessThan(after);
    }

    @Example
    void copiesOfOneSnapshotDrawDifferentKeysOnceReseeded() throws Exception {
        // given: two "restored copies" whose generators hold the same state, as after a SnapStart restore
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
        ObjectKeys first = new ObjectKeys(clock, snapshotGenerator(), SecureRandom::new);
        ObjectKeys second = new ObjectKeys(clock, snapshotGenerator(), SecureRandom::new);
        assertThat(first.newSegmentKey())
                .as("same state, same clock: the collision reseeding prevents")
                .isEqualTo(second.newSegmentKey());

        // when
        first.reseed();
        second.reseed();

        // then
        assertThat(first.newSegmentKey()).isNotEqualTo(second.newSegmentKey());
    }

    private static SecureRandom snapshotGenerator() {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(42); // seeded before first use: a deterministic sequence
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ulidOf(String key) {
        Matcher m = SEGMENT_KEY.matcher(key);
        assertThat(m.matches()).isTrue();
        return m.group(2);
    }
}
