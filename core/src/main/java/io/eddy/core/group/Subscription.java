package io.eddy.core.group;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.TopicName;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a member subscribes to: a set of topic names, or a regular expression matched against whole topic names
 * (Kafka's {@code subscribe(Pattern)}), never both.
 *
 * @param topics  topic names, each valid by {@link TopicName}'s rules; empty when {@code pattern} is given
 * @param pattern a Java regular expression, matched against the whole name
 */
public record Subscription(SortedSet<String> topics, Optional<String> pattern) {
    public static final int MAX_PATTERN_LENGTH = 1000;

    public Subscription {
        if (topics == null || pattern == null || topics.isEmpty() == pattern.isEmpty()) {
            throw invalid("a subscription is a non-empty list of topics or one topic pattern, not both");
        }
        topics = Collections.unmodifiableSortedSet(new TreeSet<>(topics));
        // a name no topic can have is refused here, before it becomes a key of a metadata lookup
        topics.forEach(TopicName::new);
        pattern.ifPresent(p -> {
            if (p.isEmpty() || p.length() > MAX_PATTERN_LENGTH) {
                throw invalid("a topic pattern is 1 to " + MAX_PATTERN_LENGTH + " characters");
            }
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                throw invalid("the topic pattern does not compile: " + e.getDescription());
            }
        });
    }

    public static Subscription ofTopics(Collection<String> topics) {
        return new Subscription(new TreeSet<>(topics), Optional.empty());
    }

    public static Subscription ofPattern(String pattern) {
        return new Subscription(new TreeSet<>(), Optional.of(pattern));
    }

    /** The topics among {@code existing} this subscription names or matches; named topics that do not exist too. */
    public SortedSet<String> resolve(Collection<String> existing) {
        if (pattern.isEmpty()) {
            return topics;
        }
        Pattern compiled = Pattern.compile(pattern.get());
        SortedSet<String> out = new TreeSet<>();
        existing.stream().filter(t -> compiled.matcher(t).matches()).forEach(out::add);
        return out;
    }

    private static EddyException invalid(String message) {
        return new EddyException(ErrorCode.INVALID_REQUEST, message, Map.of("field", "subscription"));
    }
}
