package io.eddy.kafka.consumer;

import io.eddy.core.group.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.errors.InvalidRegularExpression;

/**
 * A KIP-848 member's subscription (topic names and, from ConsumerGroupHeartbeat v1, a regular expression) as an
 * Eddy {@link Subscription} (names or one pattern) and back. Kafka lets a member join subscribed to nothing (an
 * empty list, as a pattern-subscribed {@code KafkaConsumer} sends before any topic matches); Eddy stores that as
 * {@link #NOTHING}, a pattern no name matches, and shows it to Kafka clients as an empty list. Names and a regex
 * together are stored as one pattern matching either. The regex is a Java regular expression matched against whole
 * topic names (Kafka uses RE2/J, whose common syntax is the same). Stateless.
 */
final class Subscriptions {
    /** The pattern of a member subscribed to nothing: an empty lookahead that never matches. */
    static final String NOTHING = "(?!)";

    private Subscriptions() {}

    /**
     * The subscription a heartbeat carries: empty when it carries neither names nor a regex (unchanged since the
     * member's last heartbeat). An empty regex means none (Kafka's client sends it to drop its pattern).
     *
     * @param names the subscribed topic names, null when not sent
     * @param regex the subscribed regex, null when not sent
     * @throws InvalidRegularExpression when the regex does not compile
     */
    static Optional<Subscription> fromRequest(List<String> names, String regex) {
        if (names == null && regex == null) {
            return Optional.empty();
        }
        List<String> topics = names == null ? List.of() : names;
        Optional<String> pattern = Optional.ofNullable(regex).filter(r -> !r.isEmpty());
        pattern.ifPresent(Subscriptions::compile);
        if (pattern.isEmpty()) {
            return Optional.of(
                    topics.isEmpty() ? Subscription.ofPattern(NOTHING) : Subscription.ofTopics(new TreeSet<>(topics)));
        }
        if (topics.isEmpty()) {
            return Optional.of(Subscription.ofPattern(pattern.get()));
        }
        StringBuilder union = new StringBuilder("(?:").append(pattern.get()).append(')');
        new TreeSet<>(topics).forEach(t -> union.append('|').append(Pattern.quote(t)));
        return Optional.of(Subscription.ofPattern(union.toString()));
    }

    /** The topic names Kafka's describe shows for {@code subscription}. */
    static List<String> names(Subscription subscription) {
        return new ArrayList<>(subscription.topics());
    }

    /** The regex Kafka's describe shows for {@code subscription}, empty for names or nothing. */
    static Optional<String> regex(Subscription subscription) {
        return subscription.pattern().filter(p -> !p.equals(NOTHING));
    }

    private static void compile(String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidRegularExpression(
                    "SubscribedTopicRegex `" + regex + "` is not a valid regular expression: " + e.getDescription());
        }
    }
}
