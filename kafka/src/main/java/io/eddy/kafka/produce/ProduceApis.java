package io.eddy.kafka.produce;

import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaServices;
import java.util.List;

/** The produce APIs, Produce and InitProducerId, over core's write path and producer registry. Stateless. */
public final class ProduceApis {
    private ProduceApis() {}

    public static List<ApiHandler> handlers(KafkaServices services, BrokerNode self, KafkaErrors errors) {
        return List.of(new ProduceHandler(services, errors), new InitProducerIdHandler(services.producers(), errors));
    }
}
