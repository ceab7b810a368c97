package io.eddy.kafka.produce;

import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.model.Record;
import io.eddy.kafka.KafkaFrontEnd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Reads what the Kafka protocol wrote back through core, around the protocol (Fetch is not this package's). */
final class CoreReads {
    private CoreReads() {}

    /** The partition's records from offset 0, as stored now. */
    static List<Record> read(KafkaFrontEnd eddy, String topic, int partition) {
        return eddy.core()
                .fetch()
                .fetch(new FetchRequest(topic, partition, 0, FetchRequest.MAX_MAX_RECORDS, 8 << 20, Duration.ZERO))
                .await()
                .atMost(KafkaFrontEnd.AWAIT)
                .records();
    }

    /** The partition's records once it holds at least {@code n}, or what it holds after {@link KafkaFrontEnd#AWAIT}. */
    static List<Record> awaitRecords(KafkaFrontEnd eddy, String topic, int partition, int n) {
        long deadline = System.nanoTime() + KafkaFrontEnd.AWAIT.toNanos();
        List<Record> records = read(eddy, topic, partition);
        while (records.size() < n && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            records = read(eddy, topic, partition);
        }
        return records;
    }
}
