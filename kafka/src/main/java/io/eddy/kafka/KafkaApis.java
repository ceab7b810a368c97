package io.eddy.kafka;

import io.eddy.kafka.consumer.ConsumerGroupSettings;
import io.eddy.kafka.fetch.FetchApis;
import io.eddy.kafka.group.ClassicSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Every API the front end answers, composed once per listener over core's services. Each group of APIs (produce,
 * fetch, groups, admin, SASL) contributes its handlers from its own package. Stateless.
 */
public final class KafkaApis {
    private KafkaApis() {}

    /** The handlers of every API for this instance, advertised as {@code self}. */
    public static ApiHandlers all(KafkaServices services, BrokerNode self) {
        return all(services, self, ClassicSettings.defaults(), ConsumerGroupSettings.defaults());
    }

    /** The handlers of every API for this instance, with both group protocols' broker-side settings. */
    public static ApiHandlers all(
            KafkaServices services,
            BrokerNode self,
            ClassicSettings classicGroups,
            ConsumerGroupSettings consumerGroups) {
        KafkaErrors errors = new KafkaErrors();
        List<ApiHandler> handlers = new ArrayList<>();
        handlers.add(new MetadataHandler(services.topics(), () -> self, services.clusterId(), errors));

        handlers.addAll(io.eddy.kafka.produce.ProduceApis.handlers(services, self, errors));

        handlers.addAll(FetchApis.handlers(services, self, errors));

        handlers.addAll(io.eddy.kafka.group.ClassicGroupApis.handlers(services, self, errors, classicGroups));

        handlers.addAll(io.eddy.kafka.consumer.ConsumerGroupApis.handlers(services, self, errors, consumerGroups));

        handlers.addAll(io.eddy.kafka.admin.AdminApis.handlers(services, self, errors));

        handlers.addAll(io.eddy.kafka.security.SecurityApis.handlers(services, self, errors));

        return new ApiHandlers(handlers);
    }
}
