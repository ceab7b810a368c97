package io.eddy.core.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fetch.IndexWalk.Step;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The read path's pure decisions: what the index walk does with an entry, and which pool a chunk read goes to. */
class ReadPlanTest {
    private static final IndexEntry TEN_TO_NINETEEN = new IndexEntry(10, 19, "obj", 0, 1_000, 5, 7, List.of("a"));
    private static final IndexEntry GAP = IndexEntry.gap(10, 19, List.of("a"));

    static Stream<Arguments> steps() {
        return Stream.of(
                Arguments.of("an entry holding the next offset is read", TEN_TO_NINETEEN, 10, false, Step.READ),
                Arguments.of("from mid-entry too", TEN_TO_NINETEEN, 19, false, Step.READ),
                Arguments.of("an entry ending before the next offset is passed", TEN_TO_NINETEEN, 20, false, Step.PASS),
                Arguments.of("nothing is read into a full sink", TEN_TO_NINETEEN, 10, true, Step.PASS),
                Arguments.of("a gap is stepped over", GAP, 12, false, Step.STEP_OVER),
                Arguments.of("a gap behind the next offset is passed", GAP, 20, false, Step.PASS),
                Arguments.of("a full sink steps over no gap", GAP, 12, true, Step.PASS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void theWalkReadsPassesOrStepsOver(String name, IndexEntry entry, long nextOffset, boolean full, Step expected) {
        assertThat(IndexWalk.step(entry, nextOffset, full)).isEqualTo(expected);
    }

    static Stream<Arguments> tails() {
        // the entry holds 10 records of 100 bytes each
        return Stream.of(
                Arguments.of("the last entry is a tail read", 20, 0, true),
                Arguments.of("within tail bytes of the high watermark", 30, 1_000, true),
                Arguments.of("just past tail bytes", 31, 1_000, false),
                Arguments.of("far behind", 1_000_000, 4 << 20, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tails")
    void aReadNearTheHighWatermarkIsATailRead(String name, long highWatermark, long tailBytes, boolean tail) {
        PartitionHead head = new PartitionHead(0, highWatermark, 0, true);
        assertThat(ChunkReader.isTail(TEN_TO_NINETEEN, head, tailBytes)).isEqualTo(tail);
    }
}
