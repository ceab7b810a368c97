package io.eddy.server;

import static io.eddy.server.FuzzCases.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.BatchFrames;
import io.eddy.server.FuzzCases.Case;
import io.eddy.server.FuzzCases.Template;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input never hurts, as properties over generated requests (jqwik's generators, see {@link FuzzCases}) to every
 * HTTP endpoint: mutated JSON bodies, mutated binary batches, odd paths and query values, odd headers, bodies over
 * the limit. For every case: the status is below 500; an error is {@code application/problem+json} whose
 * {@code code} is one of {@link ErrorCode}'s, with that code's status; no body carries a stack trace or a Java
 * class name. After each property: what was stored is exactly what was acknowledged (each partition's high
 * watermark counts the offsets of 2xx answers; topics and groups appear only through a 2xx), and a produce and
 * fetch round trip still works. A mutation may happen to make a valid request: it is answered 2xx and counted,
 * and each property asserts most of its cases are rejected.
 *
 * <p>Seeded ({@link PropertyRunner}): a failure repeats, and is shrunk and printed.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class HttpFuzzIT {
    private static final Set<String> CODES =
            Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());
    /** A stack frame, a cause, or a qualified class name of Java, Eddy, or a library Eddy uses. */
    private static final Pattern LEAK = Pattern.compile("\\tat [\\w.$]+\\(|Caused by: |Exception\\b|"
            + "\\b(java|javax|jakarta|io\\.eddy|io\\.quarkus|io\\.vertx|io\\.netty|io\\.smallrye|com\\.fasterxml|"
            + "org\\.jboss|org\\.apache|software\\.amazon)\\.[a-z]+\\.");

    private static final String ABSENT = "\u0000absent";
    /**
     * A request line over {@code quarkus.http.limits.max-initial-line-length} (414) or headers over
     * {@code max-header-size} (431): Vert.x's HTTP decoder answers these itself, with an empty body, before any
     * of Eddy's code (or Quarkus' routing) sees the request, so they cannot be problem+json. Counted, not failed.
     */
    private static final Set<Integer> TRANSPORT_LIMITS = Set.of(414, 431);

    @TestHTTPResource("/")
    URL url;

    Http http;

    @BeforeEach
    void http() {
        // HTTP/1.1, as Eddy's client speaks: over HTTP/2 a header over the limit ends the connection (GOAWAY)
        http = new Http(URI.create(url.toString()), HttpClient.Version.HTTP_1_1);
    }

    /** A name of this run's: the same length on every run, so a seed's cases are the same but for the name. */
    private static String name(String prefix) {
        return prefix + "-" + String.format("%012x", System.nanoTime() & 0xffffffffffffL);
    }

    @Test
    void mutatedJsonBodiesOfEveryWritingEndpointAreProblemsAndStoreNothing() {
        String topic = name("fuzz-json");
        String group = name("fuzz-json-g");
        Ledger ledger = new Ledger(List.of(topic));
        List<Template> templates = List.of(
                new Template(
                        "POST",
                        "/v1/topics/" + topic + "/records",
                        "{\"records\": [{\"key\": \"k\", \"value\": {\"a\": 1},"
                                + " \"headers\": [{\"name\": \"h\", \"value\": \"v\"}], \"partition\": 1, \"timestamp\": 1764000000000}]}"),
                new Template(
                        "POST",
                        "/v1/topics/" + topic + "/records",
                        "{\"records\": [{\"key_b64\": \"AAE=\", " + "\"value_b64\": \"AAE=\"}, {\"value\": [1, 2]}]}"),
                new Template(
                        "POST",
                        "/v1/topics/" + topic + "/records",
                        "{\"producer_id\": 1, \"producer_epoch\": 0, "
                                + "\"base_sequences\": {\"0\": 0}, \"records\": [{\"value_b64\": \"AAE=\", \"partition\": 0}]}"),
                new Template(
                        "POST",
                        "/v1/topics/" + topic + "/partitions/0/records",
                        "{\"records\": [{\"key\": \"k\", " + "\"value\": \"v\"}]}"),
                new Template(
                        "PUT",
                        "/v1/topics/" + topic + "-new",
                        "{\"partitions\": 3, \"config\": {\"retention.ms\": -1,"
                                + " \"cleanup.policy\": \"compact\", \"max.message.bytes\": 100000, \"replicas\": [\"eddy-data\"]}}"),
                new Template("PATCH", "/v1/topics/" + topic, "{\"partitions\": 3, \"config\": {\"retention.ms\": -1}}"),
                new Template(
                        "PUT",
                        "/v1/groups/" + group + "/members/m1",
                        "{\"member_epoch\": 0, \"topics\": [\"" + topic
                                + "\"], \"owned\": [{\"topic\": \"" + topic
                                + "\", \"partition\": 0}], \"session_timeout_ms\": 45000,"
                                + " \"auto_offset_reset\": \"earliest\", \"assignor\": \"range\"}"),
                new Template(
                        "POST",
                        "/v1/groups/" + group + "/offsets",
                        "{\"member_id\": \"m1\", \"member_epoch\": 1, " + "\"offsets\": [{\"topic\": \"" + topic
                                + "\", \"partition\": 0, \"offset\": 0, \"metadata\": \"m\"}]}"),
                new Template(
                        "POST",
                        "/v1/groups/" + group + "/offsets:reset",
                        "{\"to\": \"timestamp\", \"timestamp\": 5, " + "\"topics\": [\"" + topic
                                + "\"], \"dry_run\": true}"),
                new Template(
                        "POST",
                        "/v1/fetch",
                        "{\"wait_ms\": 0, \"min_bytes\": 1, \"partitions\": [{\"topic\": \"" + topic
                                + "\", \"partition\": 0, \"offset\": 0, \"max_bytes\": 1000}]}"));
        create(ledger, topic, 2);

        var tally = PropertyRunner.run(
                "mutated JSON bodies", 20261130L, 700, FuzzCases.mutatedJson(templates), c -> check(c, ledger));

        assertThat(tally.rejectedRatio()).isGreaterThan(0.75);
        ledger.verify(http);
    }

    @Test
    void mutatedBinaryBatchesAreProblemsAndStoreNothing() {
        String topic = name("fuzz-bin");
        Ledger ledger = new Ledger(List.of(topic));
        create(ledger, topic, 2);
        Arbitrary<Case> cases = Combinators.combine(FuzzCases.mutatedBatches(), Arbitraries.of("", "?atomic=true"))
                .as((body, q) -> new Case(
                        "POST",
                        "/v1/topics/" + topic + "/records" + q,
                        List.of("Content-Type", BatchFrames.MEDIA_TYPE),
                        body.get1(),
                        false,
                        body.get2()));

        var tally = PropertyRunner.run("mutated binary batches", 7L, 500, cases, c -> check(c, ledger));

        assertThat(tally.rejectedRatio()).isGreaterThan(0.75);
        ledger.verify(http);
    }

    @Test
    void oddPathsAndQueryValuesOfEveryEndpointAreProblemsAndStoreNothing() {
        String topic = name("fuzz-path");
        String group = name("fuzz-path-g");
        Ledger ledger = new Ledger(List.of(topic));
        create(ledger, topic, 2);
        long producer =
                http.post("/v1/producers", "").body().path("producer_id").asLong();
        String heartbeat = "{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"], \"session_timeout_ms\": 45000}";
        check(
                new Case(
                        "PUT",
                        "/v1/groups/" + group + "/members/m1",
                        List.of("Content-Type", "application/json"),
                        heartbeat.getBytes(StandardCharsets.UTF_8),
                        false,
                        "a member, so some group requests are valid"),
                ledger);

        Arbitrary<String> topics =
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(topic)), Tuple.of(4, FuzzCases.oddSegments()));
        Arbitrary<String> groups =
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(group)), Tuple.of(4, FuzzCases.oddSegments()));
        Arbitrary<String> members =
                Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("m1")), Tuple.of(4, FuzzCases.oddSegments()));
        Arbitrary<String> partitions = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("0", "1")),
                Tuple.of(4, FuzzCases.oddQueryValues()),
                Tuple.of(1, FuzzCases.oddSegments()));
        // never a streaming read that is valid: it would stream until the client gives up
        Arbitrary<String> notPartitions =
                partitions.filter(p -> !decode(p).trim().matches("[+-]?\\p{Nd}+"));
        Arbitrary<String> producers = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(Long.toString(producer))), Tuple.of(4, FuzzCases.oddQueryValues()));
        String record = "{\"records\": [{\"value\": \"v\", \"partition\": 0}]}";
        String oneRecord = "{\"records\": [{\"value\": \"v\"}]}";
        String commit = "{\"member_id\": \"m1\", \"member_epoch\": 1, \"offsets\": [{\"topic\": \"" + topic
                + "\", \"partition\": 0, \"offset\": 0}]}";
        String fetch = "{\"partitions\": [{\"topic\": \"" + topic + "\", \"partition\": 0}]}";
        List<Arbitrary<Case>> endpoints = List.of(
                Arbitraries.just(request("GET", "/v1/topics", "")),
                topics.map(t -> request("GET", "/v1/topics/" + t, "")),
                FuzzCases.oddSegments().map(t -> request("DELETE", "/v1/topics/" + t, "")),
                FuzzCases.oddSegments().map(t -> request("PUT", "/v1/topics/" + t, "{\"partitions\": 1}")),
                topics.map(t -> request("PATCH", "/v1/topics/" + t, "{\"config\": {\"retention.ms\": -1}}")),
                Combinators.combine(
                                topics,
                                partitions,
                                query("offset", "0"),
                                query("max_records", "10"),
                                query("max_bytes", "1000"),
                                query("wait_ms", "0"),
                                query("encoding", "base64"),
                                Arbitraries.of("application/json", BatchFrames.MEDIA_TYPE, "*/*"))
                        .as((t, p, offset, maxRecords, maxBytes, waitMs, encoding, accept) -> request(
                                "GET",
                                "/v1/topics/" + t + "/partitions/" + p + "/records"
                                        + query(params(
                                                "offset",
                                                offset,
                                                "max_records",
                                                maxRecords,
                                                "max_bytes",
                                                maxBytes,
                                                "wait_ms",
                                                waitMs,
                                                "encoding",
                                                encoding)),
                                "",
                                "Accept",
                                accept)),
                Combinators.combine(
                                FuzzCases.oddSegments(),
                                notPartitions,
                                query("offset", "0"),
                                Arbitraries.frequencyOf(
                                        Tuple.of(1, Arbitraries.just(ABSENT)), Tuple.of(1, FuzzCases.oddQueryValues())))
                        .as((t, p, offset, lastEventId) -> request(
                                "GET",
                                "/v1/topics/" + t + "/partitions/" + p + "/records" + query(params("offset", offset)),
                                "",
                                "Accept",
                                "text/event-stream",
                                "Last-Event-ID",
                                lastEventId.equals(ABSENT) ? ABSENT : decodeForHeader(lastEventId))),
                Combinators.combine(topics, partitions, query("at", "earliest", "latest", "1764000000000"))
                        .as((t, p, at) -> request(
                                "GET",
                                "/v1/topics/" + t + "/partitions/" + p + "/offsets" + query(params("at", at)),
                                "")),
                Combinators.combine(
                                topics,
                                query("atomic", "true"),
                                query("acks", "1", "all"),
                                query("compression", "gzip", "none"))
                        .as((t, atomic, acks, compression) -> request(
                                "POST",
                                "/v1/topics/" + t + "/records"
                                        + query(params("atomic", atomic, "acks", acks, "compression", compression)),
                                record)),
                Combinators.combine(topics, partitions, query("acks", "1", "all"))
                        .as((t, p, acks) -> request(
                                "POST",
                                "/v1/topics/" + t + "/partitions/" + p + "/records" + query(params("acks", acks)),
                                oneRecord)),
                Arbitraries.just(request("POST", "/v1/producers", "")),
                producers.map(id -> request("POST", "/v1/producers/" + id + "/epoch", "")),
                query("encoding", "json", "base64")
                        .map(e -> request("POST", "/v1/fetch" + query(params("encoding", e)), fetch)),
                Arbitraries.just(request("GET", "/v1/groups", "")),
                groups.map(g -> request("GET", "/v1/groups/" + g, "")),
                groups.map(g -> request("DELETE", "/v1/groups/" + g, "")),
                Combinators.combine(groups, members)
                        .as((g, m) -> request("PUT", "/v1/groups/" + g + "/members/" + m, heartbeat)),
                Combinators.combine(groups, members)
                        .as((g, m) -> request("DELETE", "/v1/groups/" + g + "/members/" + m, "")),
                groups.map(g -> request("POST", "/v1/groups/" + g + "/offsets", commit)),
                groups.map(g -> request(
                        "POST", "/v1/groups/" + g + "/offsets:reset", "{\"to\": \"earliest\", \"dry_run\": true}")),
                FuzzCases.oddQueryValues().map(v -> request("GET", "/v1/stats?window=" + v, "")),
                // a dry run, or a bad dry_run: never a real pass, which would touch other tests' topics
                Combinators.combine(
                                query("dry_run", "true").filter(v -> !v.equals(ABSENT) && !v.equals("false")),
                                topics.map(FuzzCases::encode),
                                query("gc", "false"),
                                query("repair", "false"),
                                query("scrub", "false"))
                        .as((dryRun, t, gc, repair, scrub) -> request(
                                "POST",
                                "/v1/admin/compact"
                                        + query(params(
                                                "dry_run", dryRun, "topic", t, "gc", gc, "repair", repair, "scrub",
                                                scrub)),
                                "")));

        var tally = PropertyRunner.run(
                "odd paths and query values", 42L, 700, Arbitraries.oneOf(endpoints), c -> check(c, ledger));

        assertThat(tally.rejectedRatio()).isGreaterThan(0.55);
        ledger.verify(http);
    }

    @Test
    void oddHeadersAreProblemsAndStoreNothing() {
        String topic = name("fuzz-head");
        String group = name("fuzz-head-g");
        Ledger ledger = new Ledger(List.of(topic));
        create(ledger, topic, 2);
        Arbitrary<String> contentTypes = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just("right")),
                Tuple.of(1, Arbitraries.just(ABSENT)),
                Tuple.of(
                        5,
                        Arbitraries.of(
                                "text/plain",
                                "application/xml",
                                "application/json; charset=utf-16",
                                "application/json; charset=nonsense",
                                "application/jsonx",
                                "application/",
                                "/",
                                "a/b/c",
                                "*/*",
                                "application/*",
                                "application/json;;;",
                                "application/vnd.eddy.batches+json",
                                "multipart/form-data",
                                "application/x-www-form-urlencoded",
                                "",
                                " ",
                                "application/json, text/plain",
                                "x".repeat(5000),
                                "application/json; boundary=\"\u00e9\"")));
        Arbitrary<String> accepts = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(ABSENT)),
                Tuple.of(
                        5,
                        Arbitraries.of(
                                "application/json",
                                "image/png",
                                "application/xml",
                                "text/html;q=0",
                                "*/*;q=0",
                                "application/json;q=0",
                                "application/json;q=2",
                                "application/json;q=nonsense",
                                "garbage",
                                "",
                                "*/*",
                                "text/*",
                                "application/vnd.eddy.batches",
                                "application/problem+json",
                                "x".repeat(5000))));
        Arbitrary<String> idempotencyKeys = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(ABSENT)),
                Tuple.of(
                        2,
                        Arbitraries.strings()
                                .withCharRange('!', '~')
                                .ofMinLength(1)
                                .ofMaxLength(255)),
                Tuple.of(
                        3,
                        Arbitraries.oneOf(
                                Arbitraries.of(
                                        "",
                                        " ",
                                        "a b",
                                        "x".repeat(256),
                                        "\u00e9t\u00e9",
                                        "\t",
                                        "k\u007f",
                                        "x".repeat(10_000)),
                                Arbitraries.strings()
                                        .withCharRange(' ', '\u00ff')
                                        .ofMaxLength(300))));
        String json = "{\"records\": [{\"value\": \"v\", \"partition\": 0}]}";
        byte[] frames = FuzzCases.validFrames().sample();
        List<Tuple.Tuple3<String, String, byte[]>> targets = List.of(
                Tuple.of("POST", "/v1/topics/" + topic + "/records", json.getBytes(StandardCharsets.UTF_8)),
                Tuple.of("POST", "/v1/topics/" + topic + "/records", frames),
                Tuple.of("PUT", "/v1/topics/" + topic + "-new", "{\"partitions\": 1}".getBytes(StandardCharsets.UTF_8)),
                Tuple.of(
                        "PUT",
                        "/v1/groups/" + group + "/members/m1",
                        ("{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"]}").getBytes(StandardCharsets.UTF_8)),
                Tuple.of(
                        "POST",
                        "/v1/fetch",
                        ("{\"partitions\": [{\"topic\": \"" + topic + "\", \"partition\": 0}]}")
                                .getBytes(StandardCharsets.UTF_8)),
                Tuple.of("GET", "/v1/topics/" + topic + "/partitions/0/records?offset=0", new byte[0]),
                Tuple.of("GET", "/v1/topics/" + topic + "/partitions/0/offsets", new byte[0]));
        Arbitrary<Case> cases = Combinators.combine(Arbitraries.of(targets), contentTypes, accepts, idempotencyKeys)
                .as((t, contentType, accept, key) -> {
                    String right = t.get3() == frames ? BatchFrames.MEDIA_TYPE : "application/json";
                    List<String> headers = new ArrayList<>();
                    add(headers, "Content-Type", contentType.equals("right") ? right : contentType);
                    add(headers, "Accept", accept);
                    add(headers, "Idempotency-Key", key);
                    return new Case(t.get1(), t.get2(), headers, t.get3(), false, "headers");
                });

        var tally = PropertyRunner.run("odd headers", 99L, 400, cases, c -> check(c, ledger));

        assertThat(tally.rejectedRatio()).isGreaterThan(0.5);
        ledger.verify(http);
    }

    @Test
    void bodiesOverTheLimitAreRequestTooLargeOnEveryEndpoint() {
        String topic = name("fuzz-big");
        Ledger ledger = new Ledger(List.of(topic));
        create(ledger, topic, 1);
        int limit = ConfigProvider.getConfig()
                .getOptionalValue("eddy.http.max-request-bytes", Integer.class)
                .orElse(8 << 20);
        List<Tuple.Tuple3<String, String, String>> endpoints = List.of(
                Tuple.of("POST", "/v1/topics/" + topic + "/records", "application/json"),
                Tuple.of("POST", "/v1/topics/" + topic + "/records", BatchFrames.MEDIA_TYPE),
                Tuple.of("POST", "/v1/topics/" + topic + "/partitions/0/records", "application/json"),
                Tuple.of("PUT", "/v1/topics/" + topic + "-new", "application/json"),
                Tuple.of("PATCH", "/v1/topics/" + topic, "application/json"),
                Tuple.of("PUT", "/v1/groups/g/members/m", "application/json"),
                Tuple.of("POST", "/v1/groups/g/offsets", "application/json"),
                Tuple.of("POST", "/v1/groups/g/offsets:reset", "application/json"),
                Tuple.of("POST", "/v1/fetch", "application/json"));
        Arbitrary<Case> cases = Combinators.combine(
                        Arbitraries.of(endpoints),
                        Arbitraries.integers().between(1, 1 << 16),
                        Arbitraries.of(true, false),
                        Arbitraries.of((byte) '{', (byte) ' ', (byte) 0))
                .as((e, over, chunked, filler) -> {
                    byte[] body = new byte[limit + over];
                    Arrays.fill(body, filler);
                    return new Case(
                            e.get1(),
                            e.get2(),
                            List.of("Content-Type", e.get3()),
                            body,
                            chunked,
                            "over the limit by " + over);
                });

        var tally = PropertyRunner.run("bodies over the limit", 13L, 24, cases, c -> {
            int status = check(c, ledger);
            assertThat(status).as("%s", c).isEqualTo(413);
            return status;
        });

        assertThat(tally.rejectedRatio()).isEqualTo(1.0);
        ledger.verify(http);
    }

    // ---- the checks ----

    /** Sends a case and checks its answer; answers its status (-1 when the JDK's client refuses to send it). */
    private int check(Case c, Ledger ledger) {
        Http.Reply r;
        try {
            r = http.send(c.method(), c.path(), c.headers(), c.body(), c.chunked());
        } catch (IllegalArgumentException unsendable) {
            return -1;
        } catch (java.io.UncheckedIOException closed) {
            // The server closes a connection after some answers (414, 431); the JDK's pool may hand that connection
            // out once more before it sees the close, and a POST is not retried on it. So once more on a new
            // connection: a server that really stopped answering fails this one too.
            http = new Http(URI.create(url.toString()), HttpClient.Version.HTTP_1_1);
            r = http.send(c.method(), c.path(), c.headers(), c.body(), c.chunked());
        }
        assertThat(r.status()).as("status of %s -> %s", c, r.raw()).isLessThan(500);
        if (TRANSPORT_LIMITS.contains(r.status()) && r.raw().isEmpty()) {
            return r.status();
        }
        if (r.status() >= 400) {
            assertThat(r.contentType())
                    .as("content type of %s -> %s", c, r.raw())
                    .startsWith("application/problem+json");
            assertThat(r.body()).as("problem of %s -> %s", c, r.raw()).isNotNull();
            assertThat(r.code()).as("code of %s -> %s", c, r.raw()).isIn(CODES);
            assertThat(ErrorCode.valueOf(r.code().toUpperCase()).status())
                    .as("status of code of %s", c)
                    .isEqualTo(r.status());
            assertThat(r.body().path("status").asInt())
                    .as("problem status of %s", c)
                    .isEqualTo(r.status());
            assertThat(LEAK.matcher(r.raw()).find())
                    .as("a stack trace or class name in %s -> %s", c, r.raw())
                    .isFalse();
        } else if (r.status() < 300) {
            ledger.accepted(c, r);
        }
        return r.status();
    }

    private void create(Ledger ledger, String topic, int partitions) {
        Case c = request("PUT", "/v1/topics/" + topic, "{\"partitions\": " + partitions + "}");
        assertThat(check(c, ledger)).isEqualTo(201);
    }

    private static Case request(String method, String path, String json, String... headers) {
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/json"));
        for (int i = 0; i < headers.length; i += 2) {
            add(all, headers[i], headers[i + 1]);
        }
        return new Case(method, path, all, json.getBytes(StandardCharsets.UTF_8), false, "as is");
    }

    private static void add(List<String> headers, String name, String value) {
        if (!value.equals(ABSENT)) {
            headers.add(name);
            headers.add(value);
        }
    }

    /** A query parameter: absent, one of its valid values, or an odd one. */
    private static Arbitrary<String> query(String name, String... valid) {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(ABSENT)),
                Tuple.of(3, Arbitraries.of(valid)),
                Tuple.of(4, FuzzCases.oddQueryValues()));
    }

    private static String query(Map<String, String> params) {
        Map<String, String> present = new java.util.LinkedHashMap<>();
        params.forEach((k, v) -> present.put(k, v.equals(ABSENT) ? null : v));
        return FuzzCases.query(present);
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    private static String decodeForHeader(String encoded) {
        return decode(encoded).replaceAll("[\\r\\n]", "");
    }

    /**
     * What the server acknowledged during a property, to check afterwards that it stored that and nothing else:
     * the offsets of 2xx produce answers per topic and partition, topics answered 201 or 204, groups answered
     * 2xx. Checked against the server's own view: high watermarks, the topic list, the group list.
     */
    private final class Ledger {
        private final List<String> watched;
        private final Set<String> topicsBefore;
        private final Set<String> groupsBefore;
        private final Map<String, Map<Integer, Set<Long>>> offsets = new HashMap<>();
        private final Set<String> created = new HashSet<>();
        private final Set<String> deleted = new HashSet<>();
        private final Set<String> groupsTouched = new HashSet<>();

        Ledger(List<String> watched) {
            this.watched = watched;
            this.topicsBefore = names(http.get("/v1/topics").body().path("topics"), "name");
            this.groupsBefore = names(http.get("/v1/groups").body().path("groups"), "group");
        }

        void accepted(Case c, Http.Reply r) {
            // a segment's matrix parameters (a;b=c) are not part of the name the server sees
            String[] path =
                    c.path().replaceAll("\\?.*", "").replaceAll(";[^/]*", "").split("/", -1);
            if (path.length > 3 && path[2].equals("topics")) {
                String topic = decode(path[3]);
                if (c.method().equals("PUT") && path.length == 4) {
                    created.add(topic);
                } else if (c.method().equals("DELETE") && path.length == 4) {
                    deleted.add(topic);
                }
                record(topic, r.body() == null ? null : r.body().get("offsets"), "partition", "offset", "offset");
                record(
                        topic,
                        r.body() == null ? null : r.body().get("batches"),
                        "partition",
                        "base_offset",
                        "last_offset");
            } else if (path.length > 3 && path[2].equals("groups")) {
                groupsTouched.add(decode(path[3]));
            }
        }

        private void record(String topic, JsonNode entries, String partition, String first, String last) {
            if (entries == null || !entries.isArray()) {
                return;
            }
            for (JsonNode e : entries) {
                Set<Long> stored = offsets.computeIfAbsent(topic, t -> new HashMap<>())
                        .computeIfAbsent(e.path(partition).asInt(), p -> new TreeSet<>());
                for (long o = e.path(first).asLong(); o <= e.path(last).asLong(); o++) {
                    stored.add(o);
                }
            }
        }

        /** Nothing stored but what was acknowledged, and the server still serves a produce and a fetch. */
        void verify(Http http) {
            Set<String> expected = new HashSet<>(topicsBefore);
            expected.addAll(created);
            expected.removeAll(deleted);
            assertThat(names(http.get("/v1/topics").body().path("topics"), "name"))
                    .as("topics")
                    .isEqualTo(expected);
            Set<String> groups = names(http.get("/v1/groups").body().path("groups"), "group");
            groups.removeAll(groupsBefore);
            assertThat(groupsTouched).as("groups answered 2xx").containsAll(groups);
            for (String topic : watched) {
                JsonNode described = http.get("/v1/topics/" + topic).body();
                for (JsonNode p : described.path("partition_offsets")) {
                    Set<Long> acknowledged = offsets.getOrDefault(topic, Map.of())
                            .getOrDefault(p.path("partition").asInt(), Set.of());
                    assertThat(p.path("high_watermark").asLong())
                            .as(
                                    "high watermark of %s/%s: offsets acknowledged %s",
                                    topic, p.path("partition"), acknowledged)
                            .isEqualTo(acknowledged.size());
                }
                long end = described
                        .path("partition_offsets")
                        .get(0)
                        .path("high_watermark")
                        .asLong();
                Http.Reply produced = http.post(
                        "/v1/topics/" + topic + "/partitions/0/records",
                        "{\"records\": [{\"value\": \"still serving\"}]}");
                assertThat(produced.status())
                        .as("produce after fuzzing: %s", produced.raw())
                        .isEqualTo(200);
                Http.Reply fetched = http.get("/v1/topics/" + topic + "/partitions/0/records?offset=" + end);
                assertThat(fetched.body().path("records").get(0).path("value").asText())
                        .isEqualTo("still serving");
            }
        }

        private static Set<String> names(JsonNode list, String field) {
            Set<String> out = new HashSet<>();
            list.forEach(n -> out.add(n.path(field).asText()));
            return out;
        }
    }
}
