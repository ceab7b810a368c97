package io.eddy.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Kafka's topic naming rules: 1 to 249 of [a-zA-Z0-9._-], and not "." or "..". */
class TopicNameTest {
    private static final String LEGAL = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

    @ParameterizedTest
    @ValueSource(strings = {"orders", "a", "A-b_c.d", "0", "...", "_", "-", ".hidden", "orders.v2", "x..y"})
    void kafkaLegalNamesAreAccepted(String name) {
        assertThat(new TopicName(name).value()).isEqualTo(name);
        assertThat(new TopicName(name)).hasToString(name);
    }

    @Example
    void nameOf249CharactersIsAcceptedAnd250IsNot() {
        assertThat(new TopicName("t".repeat(249)).value()).hasSize(249);
        assertInvalid("t".repeat(250));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                ".",
                "..",
                "",
                " ",
                "a b",
                "a/b",
                "/a",
                "a\\b",
                "../etc",
                "a:b",
                "a#b",
                "tøpic",
                "a\n",
                "a\u0000b",
                "a*",
                "a%2Fb",
                "a+b"
            })
    void illegalNamesAreInvalidTopicName(String name) {
        assertInvalid(name);
    }

    @Example
    void nullIsInvalidTopicName() {
        assertInvalid(null);
    }

    @Property(tries = 500)
    void everyNameOfLegalCharactersIsAccepted(@ForAll("legalNames") String name) {
        assertThat(new TopicName(name).value()).isEqualTo(name);
    }

    @Property(tries = 500)
    void anyIllegalCharacterMakesTheNameInvalid(
            @ForAll("legalNames") String name, @ForAll("illegalChars") char bad, @ForAll int at) {
        String base = name.length() > 248 ? name.substring(0, 248) : name;
        int i = Math.floorMod(at, base.length() + 1);

        assertInvalid(base.substring(0, i) + bad + base.substring(i));
    }

    @Example
    void equalNamesAreEqualValues() {
        assertThat(new TopicName("orders")).isEqualTo(new TopicName("orders")).isNotEqualTo(new TopicName("Orders"));
    }

    @Provide
    Arbitrary<String> legalNames() {
        return Arbitraries.strings()
                .withChars(LEGAL.toCharArray())
                .ofMinLength(1)
                .ofMaxLength(249)
                .filter(s -> !s.equals(".") && !s.equals(".."));
    }

    @Provide
    Arbitrary<Character> illegalChars() {
        return Arbitraries.chars().filter(c -> LEGAL.indexOf(c) < 0);
    }

    private static void assertInvalid(String name) {
        assertThatThrownBy(() -> new TopicName(name))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOPIC_NAME));
    }
}
