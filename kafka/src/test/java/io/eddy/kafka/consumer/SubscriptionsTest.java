package io.eddy.kafka.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.group.Subscription;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubscriptionsTest {
    static final List<String> TOPICS = List.of("orders", "orders-eu", "payments", "audit");

    static Stream<Arguments> subscriptions() {
        return Stream.of(
                Arguments.of(List.of("orders", "payments"), null, List.of("orders", "payments")),
                Arguments.of(List.of(), "orders.*", List.of("orders", "orders-eu")),
                Arguments.of(null, "orders.*", List.of("orders", "orders-eu")),
                Arguments.of(List.of("audit"), "orders.*", List.of("audit", "orders", "orders-eu")),
                Arguments.of(List.of(), null, List.of()),
                Arguments.of(List.of(), "", List.of()),
                Arguments.of(List.of("payments"), "", List.of("payments")));
    }

    @ParameterizedTest(name = "names {0}, regex {1} → {2}")
    @MethodSource("subscriptions")
    void namesAndRegexResolveToTheTopicsKafkaWouldSubscribeTo(List<String> names, String regex, List<String> topics) {
        Optional<Subscription> subscription = Subscriptions.fromRequest(names, regex);

        assertThat(subscription).isPresent();
        assertThat(subscription.get().resolve(TOPICS)).containsExactlyInAnyOrderElementsOf(topics);
    }

    @Test
    void neitherNamesNorRegexMeansUnchanged() {
        assertThat(Subscriptions.fromRequest(null, null)).isEmpty();
    }

    @Test
    void describeShowsNamesOrTheRegexAndNothingAsAnEmptyList() {
        Subscription names = Subscriptions.fromRequest(List.of("b", "a"), null).orElseThrow();
        Subscription regex = Subscriptions.fromRequest(List.of(), "orders.*").orElseThrow();
        Subscription nothing = Subscriptions.fromRequest(List.of(), null).orElseThrow();

        assertThat(Subscriptions.names(names)).containsExactly("a", "b");
        assertThat(Subscriptions.regex(names)).isEmpty();
        assertThat(Subscriptions.names(regex)).isEmpty();
        assertThat(Subscriptions.regex(regex)).contains("orders.*");
        assertThat(Subscriptions.names(nothing)).isEmpty();
        assertThat(Subscriptions.regex(nothing)).isEmpty();
    }

    @Test
    void aRegexThatDoesNotCompileIsAnInvalidRegularExpression() {
        assertThatThrownBy(() -> Subscriptions.fromRequest(List.of(), "orders("))
                .isInstanceOf(InvalidRegularExpression.class);
    }

    static Stream<Arguments> assignors() {
        return Stream.of(
                Arguments.of("uniform", "cooperative-sticky", "uniform"),
                Arguments.of("range", "range", "range"),
                Arguments.of("cooperative-sticky", "cooperative-sticky", "uniform"),
                Arguments.of("roundrobin", "roundrobin", "roundrobin"));
    }

    @ParameterizedTest(name = "{0} → {1}, shown as {2}")
    @MethodSource("assignors")
    void kafkasServerAssignorsMapOntoEddys(String kafka, String eddy, String shown) {
        assertThat(ServerAssignors.toEddy(Optional.of(kafka))).contains(eddy);
        assertThat(ServerAssignors.toKafka(eddy)).isEqualTo(shown);
    }

    @Test
    void noAssignorKeepsTheGroupsAndAnUnknownOneIsUnsupported() {
        assertThat(ServerAssignors.toEddy(Optional.empty())).isEmpty();
        assertThatThrownBy(() -> ServerAssignors.toEddy(Optional.of("sticky")))
                .isInstanceOf(UnsupportedAssignorException.class)
                .hasMessageContaining("uniform");
    }
}
