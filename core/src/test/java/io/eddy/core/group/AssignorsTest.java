package io.eddy.core.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AssignorsTest {

    @Test
    void findsEachAssignorByItsKafkaName() {
        assertThat(Assignors.byName("range")).isInstanceOf(RangeAssignor.class);
        assertThat(Assignors.byName("roundrobin")).isInstanceOf(RoundRobinAssignor.class);
        assertThat(Assignors.byName("cooperative-sticky")).isInstanceOf(CooperativeStickyAssignor.class);
    }

    @Test
    void defaultIsCooperativeSticky() {
        assertThat(Assignors.DEFAULT.name()).isEqualTo("cooperative-sticky");
    }

    @Test
    void unknownNameIsRejectedWithTheValidNames() {
        assertThatThrownBy(() -> Assignors.byName("sticky"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sticky")
                .hasMessageContaining("range, roundrobin, cooperative-sticky");
    }
}
