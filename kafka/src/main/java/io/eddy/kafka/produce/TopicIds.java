package io.eddy.kafka.produce;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicIdException;

/**
 * Topics by Kafka topic id (Produce v13 names topics by id only). Eddy looks topics up by name, so the names of
 * the ids seen are remembered, refreshed from the topic list when an id is missing, and every lookup still goes
 * through {@link TopicService#require} by name: a topic deleted, or deleted and created again under its name
 * with a new id, answers {@code UNKNOWN_TOPIC_ID}. The map is replaced whole on each refresh, so it holds at most
 * the topics that exist. Thread-safe.
 */
final class TopicIds {
    private final TopicService topics;
    private volatile Map<Uuid, String> names = Map.of();

    TopicIds(TopicService topics) {
        this.topics = topics;
    }

    static Uuid kafkaId(Topic topic) {
        return new Uuid(topic.id().getMostSignificantBits(), topic.id().getLeastSignificantBits());
    }

    /** The topic whose id is {@code id}, or a failure: {@link UnknownTopicIdException}. */
    Uni<Topic> require(Uuid id) {
        Optional<String> known = Optional.ofNullable(names.get(id));
        Uni<Optional<String>> name = known.isPresent()
                ? Uni.createFrom().item(known)
                : topics.list().map(all -> {
                    Map<Uuid, String> fresh = all.stream()
                            .collect(Collectors.toUnmodifiableMap(
                                    TopicIds::kafkaId, t -> t.name().value()));
                    names = fresh;
                    return Optional.ofNullable(fresh.get(id));
                });
        return name.flatMap(n -> n.map(this::requireNamed).orElseGet(() -> unknown(id)))
                .flatMap(topic -> kafkaId(topic).equals(id) ? Uni.createFrom().item(topic) : unknown(id));
    }

    private Uni<Topic> requireNamed(String name) {
        return topics.require(name)
                .onFailure(f -> f instanceof EddyException e && e.code() == ErrorCode.UNKNOWN_TOPIC)
                .recoverWithUni(f -> Uni.createFrom().failure(new UnknownTopicIdException(f.getMessage())));
    }

    private static Uni<Topic> unknown(Uuid id) {
        return Uni.createFrom().failure(new UnknownTopicIdException("no topic has id " + id));
    }
}
