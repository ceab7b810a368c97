package io.eddy.server;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;
import net.jqwik.api.sessions.JqwikSession;

/**
 * Runs a property over jqwik's generators from inside a JUnit test: {@code tries} values of an arbitrary, edge
 * cases mixed in, drawn from a fixed seed, each handed to a check. On the first failure it shrinks the value
 * (greedily, through jqwik's shrinkables) and fails with the seed, the original and the shrunk value.
 *
 * <p>Why not {@code @Property}: the server under test is a {@code @QuarkusTest} application, which starts, and
 * injects its URL, only for JUnit Jupiter tests; a jqwik property method gets neither. A {@link JqwikSession}
 * gives jqwik's generators, edge cases and shrinking wherever code runs, so the properties run in plain
 * {@code @Test} methods under Quarkus' lifecycle. Not thread-safe: one property at a time.
 */
final class PropertyRunner {
    private static final int GEN_SIZE = 1000;
    private static final int MAX_SHRINK_STEPS = 150;

    private PropertyRunner() {}

    /** What a property saw: the cases run and their statuses (a check answers -1 for a case it could not send). */
    record Tally(String property, int cases, Map<Integer, Integer> statuses, long millis) {
        int count(int fromStatus, int toStatus) {
            return statuses.entrySet().stream()
                    .filter(e -> e.getKey() >= fromStatus && e.getKey() < toStatus)
                    .mapToInt(Map.Entry::getValue)
                    .sum();
        }

        int accepted() {
            return count(200, 300);
        }

        int rejected() {
            return count(400, 500);
        }

        double rejectedRatio() {
            return cases == 0 ? 0 : (double) rejected() / cases;
        }

        @Override
        public String toString() {
            return String.format(
                    "%s: %d cases in %d ms, %d rejected (%.0f%%), %d accepted, statuses %s",
                    property, cases, millis, rejected(), 100 * rejectedRatio(), accepted(), statuses);
        }
    }

    /**
     * @param check throws (an AssertionError, or any exception) when the property does not hold for a value;
     *              else answers the HTTP status the case got
     */
    static <T> Tally run(String property, long seed, int tries, Arbitrary<T> arbitrary, ToIntFunction<T> check) {
        Map<Integer, Integer> statuses = new TreeMap<>();
        long start = System.nanoTime();
        JqwikSession.start(Long.toString(seed));
        try {
            Random random = JqwikSession.getRandom().orElseThrow();
            RandomGenerator<T> generator = arbitrary.generatorWithEmbeddedEdgeCases(GEN_SIZE);
            for (int i = 0; i < tries; i++) {
                Shrinkable<T> value = generator.next(random);
                int status;
                try {
                    status = check.applyAsInt(value.value());
                } catch (AssertionError | RuntimeException e) {
                    throw shrunk(property, seed, i, value, check, e);
                }
                statuses.merge(status, 1, Integer::sum);
            }
        } finally {
            JqwikSession.finish();
        }
        Tally tally = new Tally(property, tries, statuses, (System.nanoTime() - start) / 1_000_000);
        System.out.println("[fuzz] " + tally);
        return tally;
    }

    /** What kind of failure: the exception's class and its message's first words (AssertJ's description). */
    private static String kind(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int of = message.indexOf(" of ");
        return e.getClass().getName() + ":" + message.substring(0, of < 0 ? Math.min(20, message.length()) : of);
    }

    private static <T> AssertionError shrunk(
            String property, long seed, int index, Shrinkable<T> failing, ToIntFunction<T> check, Throwable failure) {
        Shrinkable<T> smallest = failing;
        Throwable smallestFailure = failure;
        int steps = 0;
        boolean smaller = true;
        while (smaller && steps < MAX_SHRINK_STEPS) {
            smaller = false;
            var candidates = smallest.shrink().iterator();
            while (candidates.hasNext() && steps < MAX_SHRINK_STEPS) {
                Shrinkable<T> candidate = candidates.next();
                steps++;
                try {
                    check.applyAsInt(candidate.value());
                } catch (AssertionError | RuntimeException e) {
                    if (!kind(e).equals(kind(failure))) {
                        continue; // another failure: shrinking follows the first one
                    }
                    smallest = candidate;
                    smallestFailure = e;
                    smaller = true;
                    break;
                }
            }
        }
        AssertionError error = new AssertionError(
                String.format(
                        "%s failed at case %d of seed %d%n  original: %s%n  shrunk (%d steps): %s%n  failure: %s",
                        property, index, seed, failing.value(), steps, smallest.value(), smallestFailure.getMessage()),
                smallestFailure);
        System.out.println("[fuzz] " + error.getMessage());
        return error;
    }
}
