package io.eddy.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.core.format.InflateLimits;
import io.eddy.core.idempotency.IdempotencyKeys;
import io.eddy.core.storage.dynamo.DynamoIdempotencyKeys;
import io.eddy.core.support.RetryPolicy;
import io.eddy.edge.EddyConfig;
import io.eddy.edge.auth.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The ingest function's own wiring: Idempotency-Key handling, the pool that validates binary produces. */
@ApplicationScoped
public class IngestWiring {

    @Produces
    @Singleton
    IdempotencyKeys idempotencyKeys(DynamoDbAsyncClient dynamo, EddyConfig config) {
        return new DynamoIdempotencyKeys(dynamo, config.table(), RetryPolicy.defaults());
    }

    @Produces
    @Singleton
    IdempotentRequests idempotentRequests(IdempotencyKeys keys, ObjectMapper mapper, EddyConfig config, Clock clock,
                                          Caller caller) {
        // the caller is request-scoped: this proxy names the principal of whichever request asks
        return new IdempotentRequests(keys, mapper, clock, config.produce().idempotencyKeyTtl(),
                () -> caller.principal().name());
    }

    @Produces
    @Singleton
    BatchValidation batchValidation(EddyConfig config) {
        EddyConfig.Produce p = config.produce();
        return new BatchValidation(p.validationThreads().orElse(Runtime.getRuntime().availableProcessors()),
                new InflateLimits(p.maxInflatedBatchBytes(), p.maxInflatedRequestBytes()));
    }

    void closeBatchValidation(@Disposes BatchValidation validation) {
        validation.close();
    }
}
