package io.eddy.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.kafka.admin.PartitionPage.Candidate;
import io.eddy.kafka.admin.PartitionPage.Cursor;
import io.eddy.kafka.admin.PartitionPage.Missing;
import io.eddy.kafka.admin.PartitionPage.Slice;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartitionPageTest {
    private static final List<Candidate> TOPICS = List.of(
            new Candidate("a", Optional.of(3)),
            new Candidate("b", Optional.empty()),
            new Candidate("c", Optional.of(4)),
            new Candidate("d", Optional.of(1)));

    @Test
    void everythingFitsUnderTheLimitAndThereIsNoNextCursor() {
        PartitionPage page = PartitionPage.plan(TOPICS, Optional.empty(), 100);

        assertThat(page.entries())
                .containsExactly(new Slice("a", 0, 3), new Missing("b"), new Slice("c", 0, 4), new Slice("d", 0, 1));
        assertThat(page.next()).isEmpty();
    }

    @Test
    void theLimitCutsATopicAndTheCursorPointsInsideIt() {
        PartitionPage page = PartitionPage.plan(TOPICS, Optional.empty(), 5);

        assertThat(page.entries()).containsExactly(new Slice("a", 0, 3), new Missing("b"), new Slice("c", 0, 2));
        assertThat(page.next()).contains(new Cursor("c", 2));
    }

    @Test
    void aLimitReachedAtATopicsEndPointsAtTheNextTopic() {
        PartitionPage page = PartitionPage.plan(TOPICS, Optional.empty(), 7);

        assertThat(page.entries()).containsExactly(new Slice("a", 0, 3), new Missing("b"), new Slice("c", 0, 4));
        assertThat(page.next()).contains(new Cursor("d", 0));
    }

    @Test
    void aCursorResumesInsideItsTopic() {
        PartitionPage page = PartitionPage.plan(TOPICS.subList(2, 4), Optional.of(new Cursor("c", 2)), 2);

        assertThat(page.entries()).containsExactly(new Slice("c", 2, 4));
        assertThat(page.next()).contains(new Cursor("d", 0));
    }

    @Test
    void pagingThroughWithLimitOneVisitsEveryPartitionOnce() {
        List<Candidate> existing = List.of(TOPICS.get(0), TOPICS.get(2), TOPICS.get(3));
        Optional<Cursor> cursor = Optional.empty();
        int partitions = 0;
        for (int round = 0; round < 20; round++) {
            String from = cursor.map(Cursor::topic).orElse("");
            PartitionPage page = PartitionPage.plan(
                    existing.stream()
                            .filter(c -> c.topic().compareTo(from) >= 0)
                            .toList(),
                    cursor,
                    1);
            partitions += page.entries().stream()
                    .mapToInt(e -> ((Slice) e).to() - ((Slice) e).from())
                    .sum();
            cursor = page.next();
            if (cursor.isEmpty()) {
                break;
            }
        }
        assertThat(partitions).isEqualTo(8);
        assertThat(cursor).isEmpty();
    }
}
