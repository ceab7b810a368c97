package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** The whole loop through HTTP: produce from concurrent clients, fetch everything back, compare byte for byte. */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class RoundTripIT {
    private static final int PARTITIONS = 6;
    private static final int CLIENTS = 8;
    private static final int RECORDS_PER_CLIENT = 1250;
    private static final int PER_REQUEST = 50;
    private static final Base64.Encoder B64 = Base64.getEncoder();

    @TestHTTPResource("/")
    URL url;

    /** What a record was sent as, in bytes. */
    record Sent(
            int client, int seq, byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers, long timestamp) {}

    record At(int partition, long offset) {}

    @Test
    void everyAcknowledgedRecordIsReadBackOnceAtItsOffsetByteForByte() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String topic = "roundtrip-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": " + PARTITIONS + "}")
                        .status())
                .isEqualTo(201);

        // when: 8 clients produce 10,000 keyed records concurrently
        Map<At, Sent> acked = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            done.add(pool.submit(() -> produceAll(http, topic, client, acked)));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(acked).hasSize(CLIENTS * RECORDS_PER_CLIENT);

        // then: each partition reads back exactly its acknowledged records, in order, byte-identical
        Map<String, Integer> lastSeqPerClientPartition = new HashMap<>();
        int read = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            long offset = 0;
            long hwm;
            do {
                Http.Reply r = http.get("/v1/topics/" + topic + "/partitions/" + p + "/records?offset=" + offset
                        + "&max_records=1000&encoding=base64");
                assertThat(r.status()).isEqualTo(200);
                hwm = r.body().get("high_watermark").asLong();
                for (JsonNode rec : r.body().get("records")) {
                    long o = rec.get("offset").asLong();
                    assertThat(o).as("offsets are dense and ordered").isEqualTo(offset);
                    Sent sent = acked.get(new At(p, o));
                    assertThat(sent)
                            .as("record at %d/%d was acknowledged", p, o)
                            .isNotNull();
                    assertThat(decode(rec.get("key_b64"))).isEqualTo(sent.key());
                    assertThat(decode(rec.get("value_b64"))).isEqualTo(sent.value());
                    assertThat(rec.get("timestamp").asLong()).isEqualTo(sent.timestamp());
                    JsonNode headers = rec.get("headers");
                    assertThat(headers).hasSize(sent.headers().size());
                    for (int h = 0; h < headers.size(); h++) {
                        assertThat(headers.get(h).get("name").asText())
                                .isEqualTo(sent.headers().get(h).getKey());
                        assertThat(decode(headers.get(h).get("value_b64")))
                                .isEqualTo(sent.headers().get(h).getValue());
                    }
                    Integer previous = lastSeqPerClientPartition.put(sent.client() + "/" + p, sent.seq());
                    assertThat(previous == null || previous < sent.seq())
                            .as("per-producer order in partition %d", p)
                            .isTrue();
                    offset++;
                    read++;
                }
                assertThat(r.body().get("next_offset").asLong()).isEqualTo(offset);
            } while (offset < hwm);
        }
        assertThat(read).isEqualTo(CLIENTS * RECORDS_PER_CLIENT);
    }

    private static void produceAll(Http http, String topic, int client, Map<At, Sent> acked) {
        Random random = new Random(client);
        for (int start = 0; start < RECORDS_PER_CLIENT; start += PER_REQUEST) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ArrayNode records = body.putArray("records");
            List<Sent> sent = new ArrayList<>();
            for (int seq = start; seq < start + PER_REQUEST; seq++) {
                ObjectNode r = records.addObject();
                String key = "customer-" + client + "-" + random.nextInt(500);
                r.put("key", key);
                byte[] value;
                switch (seq % 3) {
                    case 0 -> {
                        ObjectNode v = r.putObject("value")
                                .put("client", client)
                                .put("seq", seq)
                                .put("text", "naïve ✓");
                        value = toBytes(v);
                    }
                    case 1 -> {
                        String v = "plain value " + seq + " ünïcødé";
                        r.put("value", v);
                        value = v.getBytes(StandardCharsets.UTF_8);
                    }
                    default -> {
                        value = new byte[random.nextInt(64)];
                        random.nextBytes(value);
                        r.put("value_b64", B64.encodeToString(value));
                    }
                }
                byte[] binaryHeader = new byte[8];
                random.nextBytes(binaryHeader);
                ArrayNode headers = r.putArray("headers");
                headers.addObject().put("name", "trace").put("value", "t-" + client + "-" + seq);
                headers.addObject().put("name", "bin").put("value_b64", B64.encodeToString(binaryHeader));
                long timestamp = 1_764_000_000_000L + client * 1_000_000L + seq;
                r.put("timestamp", timestamp);
                sent.add(new Sent(
                        client,
                        seq,
                        key.getBytes(StandardCharsets.UTF_8),
                        value,
                        List.of(
                                Map.entry("trace", ("t-" + client + "-" + seq).getBytes(StandardCharsets.UTF_8)),
                                Map.entry("bin", binaryHeader)),
                        timestamp));
            }
            Http.Reply reply = http.post("/v1/topics/" + topic + "/records", body.toString());
            assertThat(reply.status()).as("produce: %s", reply.raw()).isEqualTo(200);
            JsonNode offsets = reply.body().get("offsets");
            assertThat(offsets).hasSize(PER_REQUEST);
            for (int i = 0; i < PER_REQUEST; i++) {
                JsonNode o = offsets.get(i);
                assertThat(o.get("partition").asInt())
                        .as("Kafka's partition for the key")
                        .isEqualTo(Utils.toPositive(Utils.murmur2(sent.get(i).key())) % PARTITIONS);
                Sent previous = acked.put(
                        new At(o.get("partition").asInt(), o.get("offset").asLong()), sent.get(i));
                assertThat(previous).as("offset acknowledged twice").isNull();
                assertThat(o.get("timestamp").asLong()).isEqualTo(sent.get(i).timestamp());
            }
        }
    }

    private static byte[] toBytes(JsonNode node) {
        try {
            return Http.JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decode(JsonNode b64) {
        return b64 == null || b64.isNull() ? null : Base64.getDecoder().decode(b64.asText());
    }
}
