package io.eddy.core.group;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.MutableClock;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.OffsetSpec;
import io.eddy.core.storage.dynamo.DynamoGroupStore;
import io.eddy.core.support.RetryPolicy;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Consumer groups on DynamoDB Local: membership, fencing, lag, resets and races between members. */
@ExtendWith(EddyStackExtension.class)
class GroupServiceTest {
    private static final long SESSION = 10_000;
    /** A reset's access check that allows every topic (access control is the HTTP edge's, tested in AuthIT). */
    private static final Consumer<List<String>> ALL_TOPICS = topics -> {};

    private static final long T0 = 1_764_000_000_000L;
    private static final MutableClock CLOCK = new MutableClock(Instant.ofEpochMilli(T0));
    private static CoreInstance eddy;
    private static GroupService groups;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = CoreInstance.on(stack).clock(CLOCK).start().ensureResources();
        groups = eddy.groups();
    }

    @AfterAll
    static void stop() {
        eddy.close();
    }

    private static String topic(int partitions) {
        return await(eddy.topics().create("groups-" + UUID.randomUUID(), partitions, Map.of()))
                .name()
                .value();
    }

    private static String group() {
        return "g-" + UUID.randomUUID();
    }

    static Heartbeat join(String member, String topic) {
        return new Heartbeat(
                member,
                0,
                Optional.empty(),
                Optional.of(Subscription.ofTopics(List.of(topic))),
                Optional.of(Set.of()),
                Optional.empty(),
                SESSION,
                30_000,
                OffsetReset.EARLIEST);
    }

    static Heartbeat beat(GroupService.HeartbeatReply last) {
        return new Heartbeat(
                last.memberId(),
                last.memberEpoch(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(Set.copyOf(last.assignment())),
                Optional.empty(),
                SESSION,
                30_000,
                OffsetReset.EARLIEST);
    }

    private static CommittedOffset offset(String topic, int partition, long offset) {
        return new CommittedOffset(new TopicPartition(topic, partition), offset, "", 0, 0);
    }

    private static EddyException failure(Uni<?> call) {
        return catchThrowableOfType(EddyException.class, () -> await(call));
    }

    @Test
    void aMemberIsToldWhereToStartCommitsAndTheGroupShowsItsLag() {
        String topic = topic(3);
        for (int p = 0; p < 3; p++) {
            int partition = p;
            await(eddy.produce()
                    .produce(
                            topic,
                            Produce.request(IntStream.range(0, 10 * (p + 1))
                                    .mapToObj(i -> entry(partition, null, "v" + i, T0))
                                    .toList())));
        }
        String group = group();

        GroupService.HeartbeatReply joined = await(groups.heartbeat(group, join("m1", topic)));
        assertThat(joined.assignment()).hasSize(3);
        assertThat(joined.starts()).extracting(s -> s.offset().orElseThrow()).containsOnly(0L);
        assertThat(joined.memberEpoch()).isPositive();

        await(groups.commit(group, "m1", joined.memberEpoch(), List.of(offset(topic, 0, 4), offset(topic, 1, 20))));

        GroupService.GroupDescription d = await(groups.describe(group));
        assertThat(d.state()).isEqualTo("stable");
        assertThat(d.members()).extracting(MemberState::memberId).containsExactly("m1");
        assertThat(d.partitions())
                .extracting(l -> l.partition().partition() + ":" + l.highWatermark() + ":"
                        + l.committed().map(CommittedOffset::offset).orElse(-1L) + ":"
                        + l.lag().orElse(-1L))
                .containsExactly("0:10:4:6", "1:20:20:0", "2:30:-1:-1");

        // a second member taking over partition 0 later starts where the first committed
        await(groups.leave(group, "m1"));
        GroupService.HeartbeatReply next = await(groups.heartbeat(group, join("m2", topic)));
        assertThat(next.starts())
                .extracting(s -> s.partition().partition() + "@" + s.offset().orElseThrow() + "/" + s.committed())
                .containsExactly("0@4/true", "1@20/true", "2@0/false");
    }

    /**
     * Kafka's network-partition case: a member cut off loses its partitions when its session runs out; when it
     * comes back its commit is refused and the offsets the new owner committed stay as they are.
     */
    @Test
    void aMemberCutOffPastItsSessionCannotCommitWhenItComesBack() {
        String topic = topic(2);
        String group = group();
        GroupService.HeartbeatReply a = await(groups.heartbeat(group, join("a", topic)));
        assertThat(a.assignment()).hasSize(2);
        await(groups.commit(group, "a", a.memberEpoch(), List.of(offset(topic, 0, 5))));

        // a is cut off; b keeps heartbeating past a's session
        GroupService.HeartbeatReply b = await(groups.heartbeat(group, join("b", topic)));
        for (int i = 0; i < 4; i++) {
            CLOCK.advance(Duration.ofMillis(SESSION / 3));
            b = await(groups.heartbeat(group, beat(b)));
        }
        assertThat(b.assignment()).as("b owns everything once a is gone").hasSize(2);
        await(groups.commit(group, "b", b.memberEpoch(), List.of(offset(topic, 0, 9))));

        // a comes back and commits what it had processed
        EddyException refused = failure(groups.commit(group, "a", a.memberEpoch(), List.of(offset(topic, 0, 7))));
        assertThat(refused.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER);
        EddyException beat = failure(groups.heartbeat(group, beat(a)));
        assertThat(beat.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER);
        assertThat(await(groups.describe(group))
                        .partitions()
                        .get(0)
                        .committed()
                        .orElseThrow()
                        .offset())
                .isEqualTo(9);
    }

    @Test
    void commitsAreFencedByEpochAndOwnership() {
        String topic = topic(4);
        String group = group();
        GroupService.HeartbeatReply a = await(groups.heartbeat(group, join("a", topic)));
        GroupService.HeartbeatReply b = await(groups.heartbeat(group, join("b", topic)));
        GroupService.HeartbeatReply a2 = await(groups.heartbeat(group, beat(a))); // asked to revoke two
        assertThat(a2.revoke()).hasSize(2);
        TopicPartition leaving = a2.revoke().first();
        // committing a partition it is revoking is still its own, and must work (Kafka's onPartitionsRevoked)
        await(groups.commit(group, "a", a2.memberEpoch(), List.of(offset(topic, leaving.partition(), 3))));
        GroupService.HeartbeatReply a3 = await(groups.heartbeat(group, beat(a2)));
        GroupService.HeartbeatReply b2 = await(groups.heartbeat(group, beat(b)));
        assertThat(b2.assignment()).contains(leaving);

        EddyException notOwned =
                failure(groups.commit(group, "a", a3.memberEpoch(), List.of(offset(topic, leaving.partition(), 4))));
        assertThat(notOwned.code()).isEqualTo(ErrorCode.PARTITION_NOT_ASSIGNED);
        EddyException stale = failure(
                groups.commit(group, "b", b2.memberEpoch() + 1, List.of(offset(topic, leaving.partition(), 4))));
        assertThat(stale.code()).isEqualTo(ErrorCode.STALE_MEMBER_EPOCH);
        EddyException unknown = failure(groups.commit(group, "nobody", 1, List.of(offset(topic, 0, 1))));
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER);
        EddyException badPartition = failure(groups.commit(group, "b", b2.memberEpoch(), List.of(offset(topic, 9, 1))));
        assertThat(badPartition.code()).isEqualTo(ErrorCode.UNKNOWN_PARTITION);

        assertThat(await(groups.describe(group)).partitions().stream()
                        .filter(l -> l.partition().equals(leaving))
                        .findFirst()
                        .orElseThrow()
                        .committed()
                        .orElseThrow()
                        .offset())
                .as("only the owner's commit landed")
                .isEqualTo(3);
    }

    @Test
    void aStaticMemberRestartingWithinItsSessionWaitsUntilItsPredecessorIsGone() {
        String topic = topic(4);
        String group = group();
        Heartbeat first = new Heartbeat(
                "host-a-1",
                0,
                Optional.of("host-a"),
                Optional.of(Subscription.ofTopics(List.of(topic))),
                Optional.of(Set.of()),
                Optional.empty(),
                SESSION,
                30_000,
                OffsetReset.EARLIEST);
        GroupService.HeartbeatReply a = await(groups.heartbeat(group, first));

        Heartbeat restarted = new Heartbeat(
                "host-a-2",
                0,
                Optional.of("host-a"),
                Optional.of(Subscription.ofTopics(List.of(topic))),
                Optional.of(Set.of()),
                Optional.empty(),
                SESSION,
                30_000,
                OffsetReset.EARLIEST);
        assertThat(failure(groups.heartbeat(group, restarted)).code()).isEqualTo(ErrorCode.UNRELEASED_INSTANCE_ID);
        assertThat(await(groups.describe(group)).members())
                .extracting(MemberState::memberId)
                .as("the live predecessor keeps its partitions")
                .containsExactly("host-a-1");

        CLOCK.advance(Duration.ofMillis(SESSION + 1));
        GroupService.HeartbeatReply back = await(groups.heartbeat(group, restarted));
        assertThat(back.assignment()).isEqualTo(a.assignment());
        Heartbeat zombie = new Heartbeat(
                "host-a-1",
                a.memberEpoch(),
                Optional.of("host-a"),
                Optional.empty(),
                Optional.of(Set.copyOf(a.assignment())),
                Optional.empty(),
                SESSION,
                30_000,
                OffsetReset.EARLIEST);
        assertThat(failure(groups.heartbeat(group, zombie)).code()).isEqualTo(ErrorCode.FENCED_INSTANCE_ID);
    }

    @Test
    void offsetsResetOnlyWhileTheGroupIsEmptyAndADryRunWritesNothing() {
        String topic = topic(2);
        await(eddy.produce()
                .produce(
                        topic,
                        Produce.request(IntStream.range(0, 8)
                                .mapToObj(i -> entry(i % 2, null, "v" + i, T0 + i))
                                .toList())));
        String group = group();
        GroupService.HeartbeatReply m = await(groups.heartbeat(group, join("m", topic)));
        await(groups.commit(group, "m", m.memberEpoch(), List.of(offset(topic, 0, 1), offset(topic, 1, 1))));

        assertThat(failure(groups.reset(group, List.of(), new OffsetSpec.Latest(), false, ALL_TOPICS))
                        .code())
                .isEqualTo(ErrorCode.GROUP_NOT_EMPTY);
        await(groups.leave(group, "m"));

        List<CommittedOffset> planned =
                await(groups.reset(group, List.of(), new OffsetSpec.Latest(), true, ALL_TOPICS));
        assertThat(planned).extracting(CommittedOffset::offset).containsExactly(4L, 4L);
        assertThat(await(groups.describe(group)).partitions())
                .extracting(l -> l.committed().orElseThrow().offset())
                .as("a dry run writes nothing")
                .containsExactly(1L, 1L);

        await(groups.reset(group, List.of(topic), new OffsetSpec.AtTimestamp(T0 + 4), false, ALL_TOPICS));
        assertThat(await(groups.describe(group)).partitions())
                .extracting(l -> l.committed().orElseThrow().offset())
                .containsExactly(2L, 2L);
        await(groups.reset(group, List.of(), new OffsetSpec.Earliest(), false, ALL_TOPICS));
        assertThat(await(groups.describe(group)).partitions())
                .extracting(l -> l.lag().orElseThrow())
                .containsExactly(4L, 4L);

        // a group that never existed can be positioned before its first member joins, as with Kafka's tool
        String fresh = group();
        await(groups.reset(fresh, List.of(topic), new OffsetSpec.Latest(), false, ALL_TOPICS));
        assertThat(await(groups.heartbeat(fresh, join("late", topic))).starts())
                .extracting(s -> s.offset().orElseThrow() + "/" + s.committed())
                .containsExactly("4/true", "4/true");
    }

    @Test
    void aGroupIsListedAndDeletedOnlyWhenEmpty() {
        String topic = topic(1);
        String group = group();
        GroupService.HeartbeatReply m = await(groups.heartbeat(group, join("m", topic)));
        await(groups.commit(group, "m", m.memberEpoch(), List.of(offset(topic, 0, 0))));
        assertThat(await(groups.list())).extracting(GroupId::value).contains(group);

        assertThat(failure(groups.delete(group)).code()).isEqualTo(ErrorCode.GROUP_NOT_EMPTY);
        await(groups.leave(group, "m"));
        await(groups.delete(group));

        assertThat(await(groups.list())).extracting(GroupId::value).doesNotContain(group);
        assertThat(failure(groups.describe(group)).code()).isEqualTo(ErrorCode.UNKNOWN_GROUP);
        assertThat(await(new DynamoGroupStore(eddy.dynamo(), eddy.table(), RetryPolicy.defaults())
                        .offsets(new GroupId(group))))
                .as("its offsets went with it")
                .isEmpty();
    }

    /**
     * Many members heartbeating at once, each through its own writes against DynamoDB Local, while a reader
     * loads the group over and over: no stored state ever gives a partition to two members (loading such a
     * state would throw), no member is ever told it may consume what the group has given another, and the group
     * settles with every partition owned once.
     */
    @Test
    void concurrentHeartbeatsNeverGiveAPartitionToTwoMembers() throws Exception {
        String topic = topic(12);
        String group = group();
        int members = 6;
        ExecutorService pool = Executors.newFixedThreadPool(members + 1);
        AtomicBoolean done = new AtomicBoolean();
        List<String> violations = new CopyOnWriteArrayList<>();
        Map<String, SortedSet<TopicPartition>> consuming = new ConcurrentHashMap<>();
        DynamoGroupStore store = new DynamoGroupStore(eddy.dynamo(), eddy.table(), RetryPolicy.defaults());
        try {
            Future<Integer> reader = pool.submit(() -> {
                int loads = 0;
                while (!done.get()) {
                    GroupState s = await(store.load(new GroupId(group))); // throws on a double assignment
                    loads++;
                    for (Map.Entry<String, SortedSet<TopicPartition>> e : consuming.entrySet()) {
                        MemberState m = s.members().get(e.getKey());
                        // what a member consumes was assigned to it, unless it already gave it back since
                        if (m != null && !m.assigned().containsAll(e.getValue())) {
                            GroupState again = await(store.load(new GroupId(group)));
                            if (again.version() == s.version()) {
                                violations.add(e.getKey() + " consumes " + e.getValue() + " but holds " + m.assigned());
                            }
                        }
                    }
                }
                return loads;
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                String id = "m" + i;
                workers.add(pool.submit(() -> {
                    GroupService.HeartbeatReply last = await(groups.heartbeat(group, join(id, topic)));
                    consuming.put(id, last.assignment());
                    for (int round = 0; round < 12; round++) {
                        last = await(groups.heartbeat(group, beat(last)));
                        consuming.put(id, last.assignment());
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(3, TimeUnit.MINUTES);
            }
            done.set(true);
            assertThat(reader.get(1, TimeUnit.MINUTES)).isPositive();
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        assertThat(violations).isEmpty();

        // quiet rounds: the group settles
        Map<String, GroupService.HeartbeatReply> last = new java.util.TreeMap<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < members; i++) {
                String id = "m" + i;
                GroupService.HeartbeatReply previous = last.get(id);
                last.put(
                        id,
                        await(groups.heartbeat(
                                group,
                                previous == null
                                        ? new Heartbeat(
                                                id,
                                                await(store.load(new GroupId(group)))
                                                        .members()
                                                        .get(id)
                                                        .memberEpoch(),
                                                Optional.empty(),
                                                Optional.empty(),
                                                Optional.of(consuming.get(id)),
                                                Optional.empty(),
                                                SESSION,
                                                30_000,
                                                OffsetReset.EARLIEST)
                                        : beat(previous))));
            }
        }
        SortedSet<TopicPartition> all = new TreeSet<>();
        last.values().forEach(r -> {
            assertThat(r.assignment()).hasSize(2);
            all.addAll(r.assignment());
        });
        assertThat(all).hasSize(12);
        assertThat(await(groups.describe(group)).state()).isEqualTo("stable");
    }
}
