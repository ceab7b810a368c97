package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.format.BatchFrames;
import io.eddy.core.format.BatchValidator;
import io.eddy.core.format.ValidatedBatch;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProduceBodiesTest {

    @Test
    void bodyIsOneValidBatchPerPartitionInOrder() {
        // given
        byte[] value = new byte[100];
        ProduceBodies bodies = new ProduceBodies(new int[] {0, 1, 2, 3, 4, 5}, value, 16384);

        // when
        ProduceBodies.Body body = bodies.next(1764000000000L);
        List<ValidatedBatch> batches = BatchValidator.validate(ByteBuffer.wrap(body.bytes()), 1048588);

        // then
        assertThat(batches).extracting(ValidatedBatch::partition).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(batches).allSatisfy(b -> {
            assertThat(b.records()).isEqualTo(bodies.recordsPerBatch());
            assertThat(b.batch().remaining()).isLessThanOrEqualTo(16384);
            assertThat(b.maxTimestamp()).isEqualTo(1764000000000L);
            assertThat(b.idempotent()).isFalse();
        });
        assertThat(body.records()).isEqualTo(6 * bodies.recordsPerBatch());
    }

    @Test
    void batchesFillUpToTheBatchSizeAsKafkasAccumulatorDoes() {
        int perBatch = ProduceBodies.recordsPerBatch(16384, 1024);
        ProduceBodies.Body body = new ProduceBodies(new int[] {0}, new byte[1024], 16384).next(0);
        int batchBytes =
                BatchFrames.decode(ByteBuffer.wrap(body.bytes())).get(0).batch().remaining();

        assertThat(batchBytes).isLessThanOrEqualTo(16384);
        // one more record would not have fitted
        assertThat(batchBytes + (batchBytes - 61) / perBatch).isGreaterThan(16384);
        assertThat(ProduceBodies.recordsPerBatch(16384, 100)).isBetween(140, 150);
    }

    @Test
    void aRecordLargerThanTheBatchSizeGoesInABatchOfItsOwn() {
        assertThat(ProduceBodies.recordsPerBatch(1000, 5000)).isEqualTo(1);
    }
}
