package io.eddy.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelCapTest {

    @Test
    void theFirstValuesUpToTheCapKeepTheirNamesAndLaterOnesAreOther() {
        LabelCap cap = new LabelCap(2);

        assertThat(cap.of("orders")).isEqualTo("orders");
        assertThat(cap.of("payments")).isEqualTo("payments");
        assertThat(cap.of("audit")).isEqualTo(LabelCap.OTHER);
        // an admitted value stays admitted
        assertThat(cap.of("orders")).isEqualTo("orders");
        assertThat(cap.of("audit")).isEqualTo(LabelCap.OTHER);
    }

    @Test
    void aCapOfZeroFoldsEverythingIntoOther() {
        assertThat(new LabelCap(0).of("orders")).isEqualTo(LabelCap.OTHER);
        assertThatThrownBy(() -> new LabelCap(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
