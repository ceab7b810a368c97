package io.eddy.client.internal;

import io.eddy.client.TopicPartition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One produce request of sealed batches, and how batches are packed into requests: one topic a request, a
 * partition's batches always in one request and in order (their sequences follow on), partitions added while the
 * frames stay within {@code max.request.size} (a request holds at least one partition, however large). Immutable
 * and thread-safe (the batches themselves are not: see {@link ProducerBatch}).
 *
 * @param topic   the topic of every batch
 * @param batches the batches, grouped by partition
 */
record ProduceRequest(String topic, List<ProducerBatch> batches) {
    /** Packs {@code ready}, each sealed, in order of topics and partitions as they first appear. */
    static List<ProduceRequest> pack(List<ProducerBatch> ready, int maxRequestSize) {
        Map<String, Map<TopicPartition, List<ProducerBatch>>> byTopic = new LinkedHashMap<>();
        ready.forEach(b -> byTopic.computeIfAbsent(b.partition().topic(), t -> new LinkedHashMap<>())
                .computeIfAbsent(b.partition(), k -> new ArrayList<>())
                .add(b));
        List<ProduceRequest> requests = new ArrayList<>();
        for (var e : byTopic.entrySet()) {
            List<ProducerBatch> request = new ArrayList<>();
            int bytes = 0;
            for (List<ProducerBatch> partition : e.getValue().values()) {
                int size = 0;
                for (ProducerBatch b : partition) {
                    size += KafkaBatches.FRAME_HEADER + b.built().remaining();
                }
                if (!request.isEmpty() && bytes + size > maxRequestSize) {
                    requests.add(new ProduceRequest(e.getKey(), request));
                    request = new ArrayList<>();
                    bytes = 0;
                }
                request.addAll(partition);
                bytes += size;
            }
            requests.add(new ProduceRequest(e.getKey(), request));
        }
        return requests;
    }
}
