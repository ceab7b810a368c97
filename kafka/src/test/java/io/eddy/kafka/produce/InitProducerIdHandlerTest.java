package io.eddy.kafka.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.auth.Principal;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaSession;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.net.InetSocketAddress;
import java.util.List;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** InitProducerId over core's producer registry, every version, as clients write it. */
@ExtendWith(EddyStackExtension.class)
class InitProducerIdHandlerTest {
    private static KafkaFrontEnd eddy;
    private static InitProducerIdHandler handler;
    private final KafkaSession session = KafkaSession.open(new InetSocketAddress("127.0.0.1", 1));

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
        handler = new InitProducerIdHandler(eddy.services().producers(), new KafkaErrors());
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @Test
    void everyVersionKafkaClientsListsIsAnswered() {
        assertThat(handler.oldestVersion()).isEqualTo(ApiKeys.INIT_PRODUCER_ID.oldestVersion());
        assertThat(handler.latestVersion()).isEqualTo(ApiKeys.INIT_PRODUCER_ID.latestVersion(false));
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 1, 2, 3, 4, 5})
    void withoutAProducerIdEachCallRegistersADistinctProducerAtEpochZero(short version) {
        InitProducerIdResponseData first = init(version, -1, (short) -1, session);
        InitProducerIdResponseData second = init(version, -1, (short) -1, session);

        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(first.producerId()).isPositive();
        assertThat(first.producerEpoch()).isZero();
        assertThat(second.producerId()).isPositive().isNotEqualTo(first.producerId());
    }

    @ParameterizedTest
    @ValueSource(shorts = {3, 4, 5})
    void withItsIdAndCurrentEpochTheEpochIsBumpedAndTheOlderEpochFenced(short version) {
        long id = init(version, -1, (short) -1, session).producerId();

        InitProducerIdResponseData bumped = init(version, id, (short) 0, session);
        InitProducerIdResponseData retried = init(version, id, (short) 0, session);
        InitProducerIdResponseData again = init(version, id, (short) 1, session);
        InitProducerIdResponseData stale = init(version, id, (short) 0, session);

        assertThat(bumped.producerId()).isEqualTo(id);
        assertThat(bumped.producerEpoch()).isEqualTo((short) 1);
        assertThat(retried.producerEpoch()).isEqualTo((short) 1); // the retry of a bump whose answer was lost
        assertThat(again.producerEpoch()).isEqualTo((short) 2);
        assertThat(stale.errorCode())
                .isEqualTo(version >= 4 ? Errors.PRODUCER_FENCED.code() : Errors.INVALID_PRODUCER_EPOCH.code());
    }

    @Test
    void anUnknownProducerIdGetsAFreshProducerAsFromAKafkaBroker() {
        InitProducerIdResponseData fresh = init((short) 5, 12_345, (short) 3, session);

        assertThat(fresh.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fresh.producerId()).isPositive().isNotEqualTo(12_345L);
        assertThat(fresh.producerEpoch()).isZero();
    }

    @Test
    void aTransactionalIdIsRefusedAsTransactionalIdAuthorizationFailed() {
        InitProducerIdResponseData refused = (InitProducerIdResponseData) handler.handle(RawRequests.decode(
                                ApiKeys.INIT_PRODUCER_ID,
                                (short) 5,
                                new InitProducerIdRequestData()
                                        .setTransactionalId("tx")
                                        .setTransactionTimeoutMs(60_000),
                                session)
                        .request())
                .await()
                .atMost(KafkaFrontEnd.AWAIT);

        assertThat(refused.errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(refused.producerId()).isEqualTo(-1);
    }

    @Test
    void aPrincipalThatMayProduceNowhereIsRefusedClusterAuthorizationFailed() {
        KafkaSession reader = KafkaSession.unauthenticated(new InetSocketAddress("127.0.0.1", 2));
        reader.authenticatedAs(new Principal("reader", List.of()));

        assertThat(init((short) 5, -1, (short) -1, reader).errorCode())
                .isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
    }

    private static InitProducerIdResponseData init(short version, long id, short epoch, KafkaSession as) {
        InitProducerIdRequestData body =
                new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE);
        if (version >= 3) {
            body.setProducerId(id).setProducerEpoch(epoch);
        }
        return (InitProducerIdResponseData)
                handler.handle(RawRequests.decode(ApiKeys.INIT_PRODUCER_ID, version, body, as)
                                .request())
                        .await()
                        .atMost(KafkaFrontEnd.AWAIT);
    }
}
