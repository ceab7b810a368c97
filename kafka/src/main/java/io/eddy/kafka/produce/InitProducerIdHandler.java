package io.eddy.kafka.produce;

import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.produce.ProducerRegistry;
import io.eddy.core.produce.ProducerRegistry.Registration;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaErrors;
import io.smallrye.mutiny.Uni;
import java.util.Set;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.InitProducerIdRequest;

/**
 * InitProducerId for idempotent producers, over core's {@link ProducerRegistry}: without a producer id, a new
 * producer owned by the connection's principal, at epoch 0; with one and its epoch (KIP-360, v3+), that
 * producer's epoch bumped, which fences its older instances. Where the bump cannot be made for the caller (the
 * id is unknown, another principal's, or out of epochs) a new producer is registered instead, which is what a
 * Kafka broker always answers a producer without a transactional id. A stale epoch is {@code PRODUCER_FENCED}
 * (v4+; {@code INVALID_PRODUCER_EPOCH} before, as Kafka answers). A transactional id is refused with
 * {@code TRANSACTIONAL_ID_AUTHORIZATION_FAILED}, which Kafka's clients report as a fatal, clear refusal: Eddy has
 * no transactions. Allowed to a principal that may produce to some topic, as Kafka allows Write on any topic in
 * place of IdempotentWrite; else {@code CLUSTER_AUTHORIZATION_FAILED}. Thread-safe.
 */
final class InitProducerIdHandler implements ApiHandler {
    /** The first version that answers a fenced epoch with PRODUCER_FENCED rather than INVALID_PRODUCER_EPOCH. */
    static final short PRODUCER_FENCED_VERSION = 4;
    /** Failures of a bump that a fresh producer answers. */
    private static final Set<ErrorCode> REGISTER_INSTEAD =
            Set.of(ErrorCode.UNKNOWN_PRODUCER, ErrorCode.FORBIDDEN, ErrorCode.INVALID_PRODUCER);

    private final ProducerRegistry producers;
    private final KafkaErrors errors;

    InitProducerIdHandler(ProducerRegistry producers, KafkaErrors errors) {
        this.producers = producers;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.INIT_PRODUCER_ID.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.INIT_PRODUCER_ID.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        InitProducerIdRequestData data = ((InitProducerIdRequest) decoded.request()).data();
        if (data.transactionalId() != null) {
            return Uni.createFrom().item(refused(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        }
        if (!decoded.session().principal().mayAnywhere(Operation.PRODUCE, ResourceType.TOPIC)) {
            return Uni.createFrom().item(refused(Errors.CLUSTER_AUTHORIZATION_FAILED));
        }
        String principal = decoded.session().principal().name();
        Uni<Registration> registration = data.producerId() >= 0 && data.producerEpoch() >= 0
                ? producers
                        .bumpEpoch(data.producerId(), data.producerEpoch(), principal)
                        .onFailure(InitProducerIdHandler::registerInstead)
                        .recoverWithUni(() -> producers.register(principal))
                : producers.register(principal);
        return registration
                .<ApiMessage>map(r -> new InitProducerIdResponseData()
                        .setThrottleTimeMs(0)
                        .setErrorCode(Errors.NONE.code())
                        .setProducerId(r.producerId())
                        .setProducerEpoch(r.epoch()))
                .onFailure()
                .recoverWithItem(failure -> refused(error(failure, decoded.apiVersion())));
    }

    private static boolean registerInstead(Throwable failure) {
        return failure instanceof EddyException e && REGISTER_INSTEAD.contains(e.code());
    }

    private Errors error(Throwable failure, short version) {
        if (failure instanceof EddyException e && e.code() == ErrorCode.PRODUCER_FENCED) {
            return version >= PRODUCER_FENCED_VERSION ? Errors.PRODUCER_FENCED : Errors.INVALID_PRODUCER_EPOCH;
        }
        return errors.of(failure);
    }

    private static InitProducerIdResponseData refused(Errors error) {
        return new InitProducerIdResponseData()
                .setThrottleTimeMs(0)
                .setErrorCode(error.code())
                .setProducerId(RecordBatch.NO_PRODUCER_ID)
                .setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
    }
}
