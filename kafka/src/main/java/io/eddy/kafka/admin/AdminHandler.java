package io.eddy.kafka.admin;

import io.eddy.core.auth.Operation;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaAccess;
import io.eddy.kafka.KafkaSession;
import io.eddy.kafka.TopicIds;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * An admin API's handler answering every version kafka-clients lists of its API, with the checks the admin
 * handlers share. Subclasses are thread-safe.
 */
abstract class AdminHandler implements ApiHandler {
    private final ApiKeys apiKey;

    AdminHandler(ApiKeys apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public final ApiKeys apiKey() {
        return apiKey;
    }

    @Override
    public final short oldestVersion() {
        return apiKey.oldestVersion();
    }

    @Override
    public final short latestVersion() {
        return apiKey.latestVersion(false);
    }

    /** Answers the request; a failure thrown while the answer is built fails the returned Uni. */
    @Override
    public final Uni<ApiMessage> handle(DecodedRequest request) {
        return Uni.createFrom().deferred(() -> answer(request));
    }

    /** The response body; a failure that belongs to one item is answered in its place, not thrown. */
    abstract Uni<ApiMessage> answer(DecodedRequest request);

    /** Fails with {@code TOPIC_AUTHORIZATION_FAILED} unless the session may administer {@code topic}. */
    static void requireAdmin(KafkaSession session, String topic) {
        if (!KafkaAccess.mayTopic(session, Operation.ADMIN, topic)) {
            throw new TopicAuthorizationException(
                    "Not authorized to administer topic " + topic + " (Eddy's admin grant)", java.util.Set.of(topic));
        }
    }

    /** The keys that occur more than once in {@code items}: Kafka answers each such item INVALID_REQUEST. */
    static <T, K> java.util.Set<K> duplicates(List<T> items, Function<T, K> key) {
        return items.stream().collect(Collectors.groupingBy(key, Collectors.counting())).entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** Every item's answer, in order; each item's Uni recovers its own failures. */
    static <T> Uni<List<T>> join(List<Uni<T>> each) {
        return each.isEmpty()
                ? Uni.createFrom().item(List.of())
                : Uni.join().all(each).andFailFast();
    }

    /** Kafka's form of a topic id. */
    static Uuid uuid(UUID id) {
        return TopicIds.kafkaId(id);
    }
}
