package io.eddy.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.group.TopicPartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LagHistoryTest {
    private static LagSample sample(long at, long lag) {
        return new LagSample(at, Map.of(new TopicPartition("t", 0), lag));
    }

    @Test
    void aFullRingDropsItsOldestSampleFirst() {
        LagHistory history = new LagHistory(3, 10);
        for (long at = 1; at <= 5; at++) {
            history.add("g", sample(at, 100 - at));
        }

        assertThat(history.samples("g")).extracting(LagSample::atMs).containsExactly(3L, 4L, 5L);
    }

    @Test
    void groupsPastTheLimitAreNotKeptSoMemoryStaysBounded() {
        LagHistory history = new LagHistory(3, 2);
        history.add("a", sample(1, 1));
        history.add("b", sample(1, 1));
        history.add("c", sample(1, 1));
        history.add("a", sample(2, 0));

        assertThat(history.samples("a")).hasSize(2);
        assertThat(history.samples("b")).hasSize(1);
        assertThat(history.samples("c")).isEmpty();
    }

    @Test
    void aDeletedGroupIsForgottenAndMakesRoomForAnother() {
        LagHistory history = new LagHistory(3, 1);
        history.add("old", sample(1, 1));

        history.retainOnly(List.of("new"));
        history.add("new", sample(2, 5));

        assertThat(history.samples("old")).isEmpty();
        assertThat(history.samples("new")).extracting(LagSample::atMs).containsExactly(2L);
    }

    @Test
    void theSamplesReturnedAreACopyThatLaterSamplesDoNotChange() {
        LagHistory history = new LagHistory(2, 1);
        history.add("g", sample(1, 1));
        List<LagSample> before = history.samples("g");

        history.add("g", sample(2, 2));
        history.add("g", sample(3, 3));

        assertThat(before).extracting(LagSample::atMs).containsExactly(1L);
    }

    @Test
    void aRingMustHoldAtLeastOneSample() {
        assertThatThrownBy(() -> new LagHistory(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
