package io.eddy.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompactLinesTest {
    private static final String PARTITION = "{\"type\":\"partition\",\"topic\":\"orders\",\"partition\":3,\"done\":2,"
            + "\"total\":4,\"merges\":[{\"tier\":0},{\"tier\":1}],\"retention\":{\"log_start_offset\":120},"
            + "\"compaction\":{\"keys\":7}}";

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"a\":1,\"b\":\"x y\",\"c\":true}|a|1",
                "{\"a\":1,\"b\":\"x y\",\"c\":true}|b|x y",
                "{\"a\":1,\"b\":\"x y\",\"c\":true}|c|true",
                "{\"a\":1}|missing|''",
                "{\"n\":{\"v\":1},\"v\":2}|v|2"
            })
    void aFieldIsTheLastValueOfThatName(String line, String name, String value) {
        assertThat(CompactLines.field(line, name)).isEqualTo(value);
    }

    @Test
    void aPartitionIsALineOfItsPlanOffATerminal() {
        assertThat(CompactLines.print(PARTITION, false).out())
                .isEqualTo("orders/3: merges: 2, retention to 120, key compaction\n");
    }

    @Test
    void aPartitionWithNothingToDoSaysNoMerges() {
        String line = "{\"type\":\"partition\",\"topic\":\"t\",\"partition\":0,\"done\":1,\"total\":1,\"merges\":[]}";

        assertThat(CompactLines.print(line, false).out()).isEqualTo("t/0: merges: 0\n");
    }

    @Test
    void aPartitionMovesTheProgressBarOnATerminal() {
        assertThat(CompactLines.print(PARTITION, true).out())
                .isEqualTo("\r[###############               ] 2/4 partitions");
    }

    @Test
    void garbageSaysWhetherItWasKept() {
        assertThat(CompactLines.print("{\"type\":\"garbage\",\"objects\":3,\"bytes\":4096,\"dry_run\":true}", false)
                        .out())
                .isEqualTo("garbage: 3 objects, 4096 bytes (dry run: kept)\n");
        assertThat(CompactLines.print("{\"type\":\"garbage\",\"objects\":3,\"bytes\":4096,\"dry_run\":false}", true)
                        .out())
                .isEqualTo("\ngarbage: 3 objects, 4096 bytes\n");
    }

    @Test
    void theSummaryIsAnIndentedLinePerFieldButItsType() {
        assertThat(CompactLines.print("{\"type\":\"summary\",\"partitions\":4,\"merged\":2,\"dry_run\":false}", false)
                        .out())
                .isEqualTo("summary:\n  partitions: 4\n  merged: 2\n  dry_run: false\n");
    }

    @Test
    void aProblemIsAnErrorWithItsDetailAndCode() {
        String problem = "{\"type\":\"urn:eddy:error:not-found\",\"title\":\"Not Found\",\"code\":\"TOPIC_NOT_FOUND\","
                + "\"detail\":\"no topic x\"}";

        assertThat(CompactLines.print(problem, false))
                .isEqualTo(new CompactLines.Printed("", List.of("no topic x (TOPIC_NOT_FOUND)"), true));
        assertThat(CompactLines.print("{\"code\":\"UNAUTHORIZED\",\"detail\":\"a token is needed\"}", false)
                        .errors())
                .containsExactly("a token is needed (UNAUTHORIZED)");
    }

    @Test
    void otherLinesPrintNothing() {
        assertThat(CompactLines.print("", false)).isEqualTo(CompactLines.Printed.NOTHING);
        assertThat(CompactLines.print("{\"type\":\"heartbeat\"}", false)).isEqualTo(CompactLines.Printed.NOTHING);
    }
}
