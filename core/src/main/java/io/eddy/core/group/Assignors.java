package io.eddy.core.group;

import java.util.List;

/**
 * The assignors a group may ask for, by name; {@link #DEFAULT} is cooperative-sticky, as in Kafka.
 *
 * <p>Thread-safe: stateless (the assignors are).
 */
public final class Assignors {
    public static final Assignor RANGE = new RangeAssignor();
    public static final Assignor ROUND_ROBIN = new RoundRobinAssignor();
    public static final Assignor COOPERATIVE_STICKY = new CooperativeStickyAssignor();
    public static final Assignor DEFAULT = COOPERATIVE_STICKY;

    private static final List<Assignor> ALL = List.of(RANGE, ROUND_ROBIN, COOPERATIVE_STICKY);

    private Assignors() {}

    /** Every assignor, in a fixed order. */
    public static List<Assignor> all() {
        return ALL;
    }

    /**
     * The assignor named {@code name} ("range", "roundrobin", "cooperative-sticky").
     *
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    public static Assignor byName(String name) {
        return ALL.stream()
                .filter(a -> a.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown assignor '" + name + "'; valid names: "
                        + String.join(", ", ALL.stream().map(Assignor::name).toList())));
    }
}
