package io.eddy.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Kafka-ACL-like matching: literal, prefix and any patterns; admin implies produce and consume; no cross-type leaks. */
class GrantTest {

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abcxyz.-_0").ofMinLength(1).ofMaxLength(12);
    }

    @Property
    void aLiteralPatternMatchesOnlyItsOwnName(@ForAll("names") String pattern, @ForAll("names") String name) {
        assertThat(new NamePattern(pattern).matches(name)).isEqualTo(pattern.equals(name));
    }

    @Property
    void aPrefixPatternMatchesExactlyTheNamesStartingWithThePrefix(
            @ForAll("names") String prefix, @ForAll("names") String name) {
        assertThat(new NamePattern(prefix + "*").matches(name)).isEqualTo(name.startsWith(prefix));
        assertThat(new NamePattern(prefix + "*").matches(prefix + name)).isTrue();
    }

    @Property
    void starMatchesEveryName(@ForAll("names") String name) {
        assertThat(NamePattern.ANY.matches(name)).isTrue();
    }

    @Property
    void aGrantCoversOnlyItsResourceTypeAndImpliedOperations(
            @ForAll Operation granted,
            @ForAll ResourceType grantedType,
            @ForAll Operation wanted,
            @ForAll ResourceType wantedType,
            @ForAll("names") String name) {
        Grant g = new Grant(granted, grantedType, NamePattern.ANY);
        boolean expected = grantedType == wantedType && (granted == wanted || granted == Operation.ADMIN);
        assertThat(g.covers(new Permission(wanted, wantedType, name))).isEqualTo(expected);
    }

    @Property
    void aGrantParsesBackFromItsText(
            @ForAll Operation op, @ForAll ResourceType type, @ForAll("names") String name, @ForAll boolean prefix) {
        Grant g = new Grant(op, type, new NamePattern(prefix ? name + "*" : name));
        assertThat(Grant.parse(g.toString())).isEqualTo(g);
    }

    @Example
    void produceDoesNotImplyConsumeNorTheOtherWayRound() {
        Principal p = new Principal("writer", Grant.parseAll(List.of("produce:topic:orders-*")));
        assertThat(p.allows(Permission.topic(Operation.PRODUCE, "orders-eu"))).isTrue();
        assertThat(p.allows(Permission.topic(Operation.CONSUME, "orders-eu"))).isFalse();
        assertThat(p.allows(Permission.topic(Operation.ADMIN, "orders-eu"))).isFalse();
        assertThat(p.allows(Permission.topic(Operation.PRODUCE, "orders"))).isFalse();
        assertThat(p.allows(Permission.group(Operation.PRODUCE, "orders-eu"))).isFalse();
        assertThat(p.mayDescribe(ResourceType.TOPIC, "orders-eu")).isTrue();
        assertThat(p.mayDescribe(ResourceType.TOPIC, "payments")).isFalse();
        assertThat(p.mayAnywhere(Operation.PRODUCE, ResourceType.TOPIC)).isTrue();
        assertThat(p.mayAnywhere(Operation.CONSUME, ResourceType.TOPIC)).isFalse();
    }

    @Example
    void malformedGrantsAndPatternsAreRefused() {
        for (String bad : List.of(
                "produce:topic",
                "write:topic:x",
                "produce:queue:x",
                "produce:topic:",
                "produce:topic:a*b",
                "produce:topic:**")) {
            assertThatThrownBy(() -> Grant.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Example
    void theOpenPrincipalMayDoEverything() {
        for (Operation op : Operation.values()) {
            assertThat(Principal.OPEN.allows(Permission.topic(op, "t"))).isTrue();
            assertThat(Principal.OPEN.allows(Permission.group(op, "g"))).isTrue();
            assertThat(Principal.OPEN.allows(Permission.cluster(op))).isTrue();
        }
    }
}
