package io.eddy.core.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.error.EddyException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Members joining, heartbeating, crashing, pausing past their session and coming back, leaving, restarting as
 * the same static instance, on a controlled clock, in random orders: no partition is ever with two members the
 * group counts, a member never consumes what the group has not given it, and once the members keep
 * heartbeating the group settles with every partition owned exactly once.
 */
class GroupSimulationTest {
    private static final long SESSION = 10_000;
    private static final long REBALANCE = 15_000;
    private static final int CLIENTS = 5;
    private static final Map<String, Integer> TOPICS = Map.of("orders", 6, "payments", 3);

    enum Kind {
        BEAT,
        TICK,
        CRASH,
        RESTART,
        PAUSE,
        RESUME,
        LEAVE
    }

    record Step(Kind kind, int client, long millis) {}

    /** A consumer process as it sees itself. */
    static final class Client {
        final int index;
        final Optional<String> instance;
        int incarnation;
        boolean running = true;
        boolean paused;
        boolean joined;
        long epoch;
        SortedSet<TopicPartition> owned = new TreeSet<>();

        Client(int index) {
            this.index = index;
            this.instance = index % 2 == 0 ? Optional.of("host-" + index) : Optional.empty();
        }

        String memberId() {
            return "c" + index + "-" + incarnation;
        }

        void reset() {
            joined = false;
            epoch = 0;
            owned = new TreeSet<>();
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.just(Kind.BEAT)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.TICK)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.CRASH)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.RESTART)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.PAUSE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.RESUME)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.LEAVE)));
        return Combinators.combine(
                        kinds,
                        Arbitraries.integers().between(0, CLIENTS - 1),
                        Arbitraries.longs().between(0, SESSION * 3 / 4))
                .as(Step::new)
                .list()
                .ofMinSize(20)
                .ofMaxSize(300);
    }

    @Property(tries = 200)
    void noPartitionIsEverOwnedTwiceAndTheGroupSettles(@ForAll("steps") List<Step> steps) {
        GroupCoordinator coordinator = new GroupCoordinator();
        GroupState[] state = {GroupState.empty(new GroupId("sim"))};
        long[] now = {1_000_000};
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new Client(i));
        }

        for (Step step : steps) {
            Client c = clients.get(step.client());
            switch (step.kind()) {
                case BEAT -> {
                    if (c.running && !c.paused) {
                        heartbeat(coordinator, state, c, now[0]);
                    }
                }
                case TICK -> now[0] += step.millis();
                case CRASH -> {
                    c.running = false;
                    c.reset(); // a dead process consumes nothing
                }
                case RESTART -> {
                    if (!c.running) {
                        c.running = true;
                        c.incarnation++; // a new member id; static clients keep their instance id
                    }
                }
                case PAUSE -> c.paused = c.running;
                case RESUME -> c.paused = false;
                case LEAVE -> {
                    if (c.running && !c.paused && c.joined) {
                        try {
                            state[0] = coordinator
                                    .leave(state[0], c.memberId(), TOPICS, now[0])
                                    .nextVersion();
                        } catch (EddyException gone) {
                            // it had been removed already
                        }
                        c.reset();
                        c.incarnation++;
                    }
                }
            }
            checkInvariants(state[0], clients);
        }

        // the dead are forgotten, everyone alive keeps heartbeating, quickly: the group settles
        clients.forEach(c -> c.paused = false);
        now[0] += SESSION + REBALANCE + 1;
        for (int round = 0; round < 10; round++) {
            now[0] += 100;
            for (Client c : clients) {
                if (c.running) {
                    heartbeat(coordinator, state, c, now[0]);
                }
            }
            checkInvariants(state[0], clients);
        }
        GroupState settled = state[0];
        long running = clients.stream().filter(c -> c.running).count();
        long nowMs = now[0];
        assertThat(settled.members().values().stream()
                        .filter(m -> m.live(nowMs))
                        .count())
                .as("live members (the dead are removed by the next call, if any)")
                .isEqualTo(running);
        if (running > 0) {
            assertThat(settled.members()).hasSize((int) running);
            SortedSet<TopicPartition> all = new TreeSet<>();
            settled.members().values().forEach(m -> all.addAll(m.assigned()));
            assertThat(all).as("every partition owned once").hasSize(9);
            settled.members().values().forEach(m -> {
                assertThat(m.assigned()).isEqualTo(settled.target().partitionsOf(m.memberId()));
                assertThat(m.memberEpoch()).isEqualTo(settled.groupEpoch());
            });
            for (Client c : clients) {
                if (c.running) {
                    assertThat(c.owned)
                            .isEqualTo(settled.members().get(c.memberId()).assigned());
                }
            }
        }
    }

    private static void heartbeat(GroupCoordinator coordinator, GroupState[] state, Client c, long now) {
        Heartbeat hb = new Heartbeat(
                c.memberId(),
                c.joined ? c.epoch : 0,
                c.instance,
                c.joined ? Optional.empty() : Optional.of(Subscription.ofTopics(List.of("orders", "payments"))),
                Optional.of(Set.copyOf(c.owned)),
                Optional.empty(),
                SESSION,
                REBALANCE,
                OffsetReset.EARLIEST);
        try {
            GroupCoordinator.HeartbeatResult r = coordinator.heartbeat(state[0], hb, TOPICS, now);
            state[0] = r.state().nextVersion();
            c.joined = true;
            c.epoch = r.member().memberEpoch();
            c.owned = r.assignment(); // revokes what it is asked to, takes what it is given
        } catch (EddyException fenced) {
            // unknown member, stale epoch or fenced instance: stop consuming and join again
            c.reset();
            c.incarnation++;
        }
    }

    /** Every client the group still counts consumes only what the group has given it (so no two share one). */
    private static void checkInvariants(GroupState state, List<Client> clients) {
        Set<TopicPartition> seen = new HashSet<>();
        for (Client c : clients) {
            MemberState m = state.members().get(c.memberId());
            if (m == null || !c.joined) {
                continue;
            }
            assertThat(m.assigned())
                    .as("%s consumes only what it was given", c.memberId())
                    .containsAll(c.owned);
            for (TopicPartition p : c.owned) {
                assertThat(seen.add(p)).as("%s owned twice", p).isTrue();
            }
        }
    }
}
