package io.eddy.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.model.IndexEntry;
import java.util.List;
import java.util.UUID;
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
    void aPageLargerThanTheBoundKeepsItsHighestEntries() {
        IndexCache cache = new IndexCache(10, 4);
        cache.addAll(TOPIC, 0, entries(0, 6));

        assertThat(cache.covering(TOPIC, 0, 5)).isEmpty();
        assertThat(cache.covering(TOPIC, 0, 55)).isPresent();
    }
}
