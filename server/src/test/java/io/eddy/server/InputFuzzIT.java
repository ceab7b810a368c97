package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.format.BatchFrames;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input never hurts: valid requests of every writing endpoint, mutated at random (cut short, bytes
 * flipped, values swapped for wrong types, huge and negative numbers, odd Unicode), and odd path segments. Every
 * answer is below 500; every error is problem+json with a code and no stack trace; the server keeps serving.
 * Seeded, so a failure repeats.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class InputFuzzIT {
    private static final int CASES_PER_BODY = 120;
    private static final String[] ODD_VALUES = {"-1", "99999999999999999999999", "1e309", "-0.0", "null", "true",
            "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"𝔈𝔡𝔡𝔶\"", "[]", "{}", "[[[[[]]]]]", "\"" + "x".repeat(3000) + "\"",
            "9223372036854775808", "-9223372036854775809", "0.5", "\"../../etc\""};
    private static final String[] ODD_SEGMENTS = {"..", ".", "%2e%2e", "a%2Fb", "%00", "%ff", "x".repeat(300),
            "%F0%9D%94%88", "-1", "99999999999", "%20", "a%3Fb", "%25"};

    @TestHTTPResource("/")
    URL url;

    Http http;
    String topic;
    String group;

    @BeforeEach
    void topic() {
        http = new Http(URI.create(url.toString()));
        topic = "fuzz-" + Long.toHexString(System.nanoTime());
        group = "g-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 2}").status()).isEqualTo(201);
    }

    private record Target(String method, String path, String body) {
    }

    private List<Target> targets() {
        return List.of(
                new Target("POST", "/v1/topics/" + topic + "/records", "{\"records\": [{\"key\": \"k\", \"value\": {\"a\": 1},"
                        + " \"headers\": [{\"name\": \"h\", \"value\": \"v\"}], \"partition\": 1, \"timestamp\": 1764000000000}]}"),
                new Target("POST", "/v1/topics/" + topic + "/records", "{\"producer_id\": 1, \"producer_epoch\": 0, "
                        + "\"base_sequences\": {\"0\": 0}, \"records\": [{\"value_b64\": \"AAE=\", \"partition\": 0}]}"),
                new Target("PUT", "/v1/topics/fuzzed-" + topic, "{\"partitions\": 3, \"config\": {\"retention.ms\": 1000,"
                        + " \"cleanup.policy\": \"compact\", \"replicas\": [\"eddy-data\"]}}"),
                new Target("PATCH", "/v1/topics/" + topic, "{\"partitions\": 3, \"config\": {\"retention.ms\": 5000}}"),
                new Target("PUT", "/v1/groups/" + group + "/members/m1", "{\"member_epoch\": 0, \"topics\": [\"" + topic
                        + "\"], \"owned\": [{\"topic\": \"" + topic + "\", \"partition\": 0}], \"session_timeout_ms\": 45000,"
                        + " \"auto_offset_reset\": \"earliest\", \"assignor\": \"range\"}"),
                new Target("POST", "/v1/groups/" + group + "/offsets", "{\"member_id\": \"m1\", \"member_epoch\": 1, "
                        + "\"offsets\": [{\"topic\": \"" + topic + "\", \"partition\": 0, \"offset\": 0, \"metadata\": \"m\"}]}"),
                new Target("POST", "/v1/groups/" + group + "/offsets:reset", "{\"to\": \"timestamp\", \"timestamp\": 5, "
                        + "\"topics\": [\"" + topic + "\"], \"dry_run\": true}"),
                new Target("POST", "/v1/fetch", "{\"wait_ms\": 0, \"min_bytes\": 1, \"partitions\": [{\"topic\": \"" + topic
                        + "\", \"partition\": 0, \"offset\": 0, \"max_bytes\": 1000}]}"));
    }

    @Test
    void mutatedJsonBodiesAreClientErrorsNeverServerErrors() {
        Random random = new Random(20261130);
        for (Target t : targets()) {
            for (int i = 0; i < CASES_PER_BODY; i++) {
                String body = mutate(t.body(), random);
                check(t.method(), t.path(), "application/json", body.getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(http.get("/v1/topics").status()).as("still serving").isEqualTo(200);
    }

    @Test
    void mutatedBinaryBatchesAreClientErrorsNeverServerErrors() {
        Random random = new Random(7);
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(4096), RecordBatch.MAGIC_VALUE_V2,
                Compression.gzip().build(), TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < 5; i++) {
            builder.append(1764000000000L + i, ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer frames = BatchFrames.encode(List.of(new BatchFrames.Frame(1, builder.build().buffer())));
        byte[] valid = new byte[frames.remaining()];
        frames.get(valid);
        for (int i = 0; i < 300; i++) {
            byte[] body = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                body[random.nextInt(body.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                body = java.util.Arrays.copyOf(body, random.nextInt(body.length));
            }
            check("POST", "/v1/topics/" + topic + "/records", BatchFrames.MEDIA_TYPE, body);
        }
        assertThat(http.get("/v1/topics").status()).isEqualTo(200);
    }

    @Test
    void oddPathSegmentsAreClientErrorsNeverServerErrors() {
        List<String> templates = List.of("/v1/topics/%s", "/v1/topics/%s/partitions/0/records?offset=0",
                "/v1/topics/" + "%s" + "/partitions/%s/offsets?at=%s", "/v1/groups/%s", "/v1/groups/g/members/%s",
                "/v1/topics/" + "%s" + "/partitions/0/records?offset=%s&max_bytes=%s&wait_ms=%s");
        for (String template : templates) {
            for (String odd : ODD_SEGMENTS) {
                String path = template.replace("%s", odd);
                check("GET", path, "application/json", new byte[0]);
                check("DELETE", path, "application/json", new byte[0]);
            }
        }
        assertThat(http.get("/v1/topics").status()).isEqualTo(200);
    }

    private void check(String method, String path, String contentType, byte[] body) {
        Http.Reply r = http.send(method, path, contentType, body);
        String what = method + " " + path + " " + new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        assertThat(r.status()).as("status of %s -> %s", what, r.raw()).isLessThan(500);
        if (r.status() >= 400) {
            assertThat(r.contentType()).as("%s", what).startsWith("application/problem+json");
            assertThat(r.code()).as("%s", what).isNotBlank();
            assertThat(r.raw()).as("%s", what).doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    /** One random mutation of a JSON text. */
    private static String mutate(String json, Random random) {
        switch (random.nextInt(6)) {
            case 0:
                return json.substring(0, random.nextInt(json.length()));   // cut short
            case 1: {
                char[] chars = json.toCharArray();
                String alphabet = "{}[]\":,0-9aé\u0000\\";
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
                }
                return new String(chars);
            }
            default: {
                // swap one value (after a ':') for an odd one
                List<Integer> colons = new ArrayList<>();
                for (int i = 0; i < json.length(); i++) {
                    if (json.charAt(i) == ':') {
                        colons.add(i);
                    }
                }
                int at = colons.get(random.nextInt(colons.size())) + 1;
                int end = valueEnd(json, at);
                return json.substring(0, at) + " " + ODD_VALUES[random.nextInt(ODD_VALUES.length)] + json.substring(end);
            }
        }
    }

    /** Where the JSON value starting at {@code from} ends (naive: strings, nesting). */
    private static int valueEnd(String json, int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return json.length();
    }
}
