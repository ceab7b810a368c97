package io.eddy.kafka.fetch;

import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;

/**
 * Topics named by Kafka topic id (Fetch v13+): Eddy's topic UUID as Kafka's {@link Uuid}, as Metadata reports it.
 * Remembers each id's name once seen (an id names one topic for its whole life); a topic found by a remembered
 * name must still have that id, else (deleted, or re-created under the same name) the topics are listed again.
 * An id no topic has lists the topics at each lookup. Thread-safe.
 */
final class TopicIds {
    private final TopicService topics;
    private final Map<Uuid, String> names = new ConcurrentHashMap<>();

    TopicIds(TopicService topics) {
        this.topics = topics;
    }

    /** Kafka's id of {@code topic}: the same 128 bits. */
    static Uuid kafkaId(Topic topic) {
        return new Uuid(topic.id().getMostSignificantBits(), topic.id().getLeastSignificantBits());
    }

    /** The topic whose id is {@code id}, or empty when no topic has it (Kafka's {@code UNKNOWN_TOPIC_ID}). */
    Uni<Optional<Topic>> find(Uuid id) {
        String known = names.get(id);
        if (known == null) {
            return listed(id);
        }
        return topics.require(known)
                .map(Optional::of)
                .onFailure()
                .recoverWithItem(Optional.empty())
                .flatMap(found -> found.filter(t -> kafkaId(t).equals(id)).isPresent()
                        ? Uni.createFrom().item(found)
                        : listed(id));
    }

    private Uni<Optional<Topic>> listed(Uuid id) {
        return topics.list().map(all -> {
            Optional<Topic> found =
                    all.stream().filter(t -> kafkaId(t).equals(id)).findFirst();
            found.ifPresentOrElse(t -> names.put(id, t.name().value()), () -> names.remove(id));
            return found;
        });
    }
}
