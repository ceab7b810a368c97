package io.eddy.kafka;

import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicIdException;

/**
 * Topics named by Kafka topic id (Produce v13, Fetch v13+, KIP-848 assignments): Eddy's topic UUID as Kafka's
 * {@link Uuid}, bit for bit, as Metadata reports it.
 * Remembers each id's name once seen (an id names one topic for its whole life); a topic found by a remembered
 * name must still have that id, else (deleted, or re-created under the same name) the topics are listed again.
 * An id no topic has lists the topics at each lookup. Thread-safe.
 */
public final class TopicIds {
    private final TopicService topics;
    private final Map<Uuid, String> names = new ConcurrentHashMap<>();

    public TopicIds(TopicService topics) {
        this.topics = topics;
    }

    /** Kafka's id of {@code topic}: the same 128 bits. */
    public static Uuid kafkaId(Topic topic) {
        return kafkaId(topic.id());
    }

    /** Kafka's id of the topic whose Eddy id is {@code id}. */
    public static Uuid kafkaId(UUID id) {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /** Eddy's id of the topic whose Kafka id is {@code id}. */
    public static UUID eddyId(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /** The topic whose id is {@code id}, or a failure: {@link UnknownTopicIdException}. */
    public Uni<Topic> require(Uuid id) {
        return find(id).flatMap(found -> found.map(t -> Uni.createFrom().item(t))
                .orElseGet(() -> Uni.createFrom().failure(new UnknownTopicIdException("no topic has id " + id))));
    }

    /** The topic whose id is {@code id}, or empty when no topic has it (Kafka's {@code UNKNOWN_TOPIC_ID}). */
    public Uni<Optional<Topic>> find(Uuid id) {
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
