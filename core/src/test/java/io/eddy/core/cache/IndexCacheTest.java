package io.eddy.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IndexCacheTest {
    private static final UUID TOPIC = UUID.randomUUID();

    private static List<IndexEntry> entries(long fromBase, int n) {
        return LongStream.range(0, n)
                .mapToObj(i ->
                        new IndexEntry((fromBase + i) * 10, (fromBase + i) * 10 + 9, "o", 0, 1, 0, 0, List.of("b")))
                .toList();
    }

    @Test
    void aPageLoadedBelowTheTailStaysWhileOlderLowEntriesGo() {
        IndexCache cache = new IndexCache(10, 8);
        cache.addAll(TOPIC, 0, entries(100, 6)); // the tail: offsets 1000..1059

        cache.addAll(TOPIC, 0, entries(0, 4)); // a catch-up page far below: offsets 0..39

        assertThat(cache.covering(TOPIC, 0, 15)).as("the page just loaded").isPresent();
        assertThat(cache.covering(TOPIC, 0, 1055)).as("the tail").isPresent();
        assertThat(cache.covering(TOPIC, 0, 1005))
                .as("the lowest of the tail made room")
                .isEmpty();

        cache.addAll(TOPIC, 0, entries(4, 4)); // the reader's next page: 40..79
        assertThat(cache.covering(TOPIC, 0, 45)).isPresent();
        assertThat(cache.covering(TOPIC, 0, 15))
                .as("the previous page made room")
                .isEmpty();
        assertThat(cache.covering(TOPIC, 0, 1055)).isPresent();
    }

    @Test
    void aPageLargerThanTheBoundKeepsItsLowestEntriesWhichItsReaderReadsFirst() {
        IndexCache cache = new IndexCache(10, 4);
        cache.addAll(TOPIC, 0, entries(0, 6));

        assertThat(cache.covering(TOPIC, 0, 5)).isPresent();
        assertThat(cache.covering(TOPIC, 0, 35)).isPresent();
        assertThat(cache.covering(TOPIC, 0, 55)).isEmpty();
    }

    @Test
    void aPageBetweenTwoReadersMakesRoomBelowItselfFirstThenJustAboveKeepingTheTail() {
        IndexCache cache = new IndexCache(10, 8);
        cache.addAll(TOPIC, 0, entries(100, 4)); // the tail reader's: 1000..1039
        cache.addAll(TOPIC, 0, entries(50, 2)); // a middle reader's: 500..519
        cache.addAll(TOPIC, 0, entries(0, 2)); // the lowest: 0..19

        cache.addAll(TOPIC, 0, entries(20, 2)); // a catch-up page at 200..219: no room left below it

        assertThat(cache.covering(TOPIC, 0, 5)).as("below the page: goes first").isEmpty();
        assertThat(cache.covering(TOPIC, 0, 15)).isEmpty();
        assertThat(cache.covering(TOPIC, 0, 205)).isPresent();
        assertThat(cache.covering(TOPIC, 0, 505)).isPresent();
        assertThat(cache.covering(TOPIC, 0, 1005)).as("the tail stays").isPresent();
    }

    @Test
    void aCommitAdvancesTheHeadOfAPartitionThisProcessReadsAndCachesItsEntry() {
        IndexCache cache = new IndexCache(10, 8);
        UUID unread = UUID.randomUUID();
        cache.sawHead(TOPIC, new PartitionHead(0, 10, 2, true));

        cache.sawCommit(TOPIC, 0, new IndexEntry(10, 19, "o", 0, 1, 0, 0, List.of("b")));
        cache.sawCommit(unread, 0, new IndexEntry(10, 19, "o", 0, 1, 0, 0, List.of("b")));

        assertThat(cache.knownHead(TOPIC, 0)).hasValueSatisfying(h -> {
            assertThat(h.nextOffset()).isEqualTo(20);
            assertThat(h.logStartOffset()).isEqualTo(2);
        });
        assertThat(cache.covering(TOPIC, 0, 15)).isPresent();
        assertThat(cache.knownHead(unread, 0)).as("never read here: left alone").isEmpty();
        assertThat(cache.covering(unread, 0, 15)).isEmpty();
    }

    @Test
    void anOlderHeadReadNeverMovesTheKnownHighWatermarkBack() {
        IndexCache cache = new IndexCache(10, 8);
        cache.sawHead(TOPIC, new PartitionHead(0, 30, 0, true));

        cache.sawHead(TOPIC, new PartitionHead(0, 20, 5, true)); // a read that started before a commit seen here

        assertThat(cache.knownHead(TOPIC, 0)).hasValueSatisfying(h -> {
            assertThat(h.nextOffset()).isEqualTo(30);
            assertThat(h.logStartOffset()).isEqualTo(5);
        });
    }

    @Test
    void invalidatingAPartitionForgetsItsKnownHead() {
        IndexCache cache = new IndexCache(10, 8);
        cache.sawHead(TOPIC, new PartitionHead(0, 30, 0, true));
        cache.addAll(TOPIC, 0, entries(0, 3));

        cache.invalidate(TOPIC, 0);

        assertThat(cache.knownHead(TOPIC, 0)).isEmpty();
        assertThat(cache.covering(TOPIC, 0, 5)).isEmpty();
    }

    @Test
    void eachEntryIsTrustedForTheTimeToLiveFromWhenItWasRead() {
        AtomicLong nanos = new AtomicLong();
        IndexCache cache = new IndexCache(10, 64, 640, Duration.ofMinutes(2), nanos::get);
        cache.addAll(TOPIC, 0, entries(0, 4)); // read at 0: offsets 0..39
        nanos.set(Duration.ofSeconds(90).toNanos());
        cache.addAll(TOPIC, 0, entries(4, 4)); // read 90 s later: 40..79

        nanos.set(Duration.ofSeconds(150).toNanos());

        assertThat(cache.covering(TOPIC, 0, 15)).as("read 150 s ago").isEmpty();
        assertThat(cache.covering(TOPIC, 0, 45))
                .as("read 60 s ago, though its partition's first entries came 150 s ago")
                .isPresent();
    }

    @Test
    void theEntriesOfAllPartitionsShareOneBound() {
        IndexCache cache = new IndexCache(10, 64, 100, Duration.ofMinutes(2), () -> 0L);
        cache.addAll(TOPIC, 0, entries(0, 60));
        cache.addAll(TOPIC, 1, entries(0, 30));
        assertThat(cache.covering(TOPIC, 0, 595))
                .as("90 entries in all: both kept")
                .isPresent();

        cache.addAll(TOPIC, 2, entries(0, 30)); // 120 entries: past the bound, so a partition's entries go

        assertThat(cache.entries()).isBetween(60L, 100L);
    }

    @Test
    void aPartitionKeepsAsManyEntriesAsItsOwnBoundWhateverThePartitionCount() {
        // a catch-up reader re-reading a partition of 300 entries finds all of them on its second read
        IndexCache cache = new IndexCache(10_000, 4096, 262_144, Duration.ofMinutes(2), () -> 0L);
        for (int page = 0; page < 3; page++) {
            cache.addAll(TOPIC, 0, entries(page * 100L, 100));
        }

        assertThat(LongStream.range(0, 300)
                        .allMatch(i -> cache.covering(TOPIC, 0, i * 10 + 5).isPresent()))
                .isTrue();
    }
}
