package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.client.EddyAdmin;
import io.eddy.client.EddyClientException;
import io.eddy.client.EddyConsumer;
import io.eddy.client.EddyProducer;
import io.eddy.client.ProducerRecord;
import io.eddy.core.auth.TokenHash;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Token access control over HTTP, every endpoint three ways: without credentials (401, {@code WWW-Authenticate:
 * Bearer}), with a token whose principal lacks the permission (403, and the state is checked unchanged), and with
 * one that has it. Also: listings show only what the caller may see, and no token ever appears in a response or
 * in the log. One profile for all of it (each profile is a restart of the application).
 */
@QuarkusTest
@TestProfile(AuthIT.TokenAuth.class)
@QuarkusTestResource(StandinsTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthIT {
    static final String ADMIN = "eddy_test-admin-Jq2pX9";
    static final String WRITER = "eddy_test-writer-Lm4kR7";
    static final String READER = "eddy_test-reader-Vb8sT1";
    static final String NOBODY = "eddy_test-nobody-Hc5wZ3";
    static final String UNKNOWN = "eddy_test-unknown-Pd6yN0";
    static final String GROUP_ADMIN = "eddy_test-groupadmin-Qe3vK8";
    static final List<String> TOKENS = List.of(ADMIN, WRITER, READER, NOBODY, UNKNOWN, GROUP_ADMIN);

    /**
     * Five principals: everything; produce to auth-*; consume auth-* and groups auth-*; no grants at all; and
     * administer groups auth-* while consuming only topics auth-*.
     */
    public static class TokenAuth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("eddy.auth.mode", "token"),
                    Map.entry(
                            "eddy.auth.principals.admin.token-sha256",
                            TokenHash.of(ADMIN).hex()),
                    Map.entry("eddy.auth.principals.admin.grants", "admin:topic:*,admin:group:*,admin:cluster:*"),
                    Map.entry(
                            "eddy.auth.principals.writer.token-sha256",
                            TokenHash.of(WRITER).hex()),
                    Map.entry("eddy.auth.principals.writer.grants", "produce:topic:auth-*"),
                    Map.entry(
                            "eddy.auth.principals.reader.token-sha256",
                            TokenHash.of(READER).hex()),
                    Map.entry("eddy.auth.principals.reader.grants", "consume:topic:auth-*,consume:group:auth-*"),
                    // upper-case hex is accepted as sha256sum's lower case is
                    Map.entry(
                            "eddy.auth.principals.nobody.token-sha256",
                            TokenHash.of(NOBODY).hex().toUpperCase()),
                    Map.entry(
                            "eddy.auth.principals.groupadmin.token-sha256",
                            TokenHash.of(GROUP_ADMIN).hex()),
                    Map.entry("eddy.auth.principals.groupadmin.grants", "admin:group:auth-*,consume:topic:auth-*"),
                    // the access log on, so the test below proves its lines carry no credentials
                    Map.entry("quarkus.http.access-log.enabled", "true"));
        }
    }

    @TestHTTPResource("/")
    URL url;

    Http http;
    final String suffix = Long.toHexString(System.nanoTime());
    /** The table's topic (its last case deletes it); the other tests use {@link #shared}. */
    final String topic = "auth-" + suffix;

    final String shared = "auth-shared-" + suffix;
    final String group = "auth-g-" + suffix;
    final List<String> bodies = new ArrayList<>();
    final Capture log = new Capture();

    /** Every log record of the application while this class runs. */
    static final class Capture extends Handler {
        final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void publish(LogRecord r) {
            text.append(r.getLoggerName()).append(' ').append(r.getMessage()).append(' ');
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    text.append(p).append(' ');
                }
            }
            if (r.getThrown() != null) {
                text.append(r.getThrown()).append(' ');
            }
            text.append('\n');
        }

        synchronized String text() {
            return text.toString();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    @BeforeAll
    void start() {
        http = new Http(URI.create(url.toString()));
        java.util.logging.Logger.getLogger("").addHandler(log);
        assertThat(call("PUT", "/v1/topics/" + topic, "{\"partitions\": 2}", ADMIN)
                        .status())
                .isEqualTo(201);
        assertThat(call(
                                "POST",
                                "/v1/topics/" + topic + "/records",
                                "{\"records\": [{\"value\": \"first\", \"partition\": 0}]}",
                                ADMIN)
                        .status())
                .isEqualTo(200);
        assertThat(call("PUT", "/v1/topics/" + shared, "{\"partitions\": 1}", ADMIN)
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    void stop() {
        java.util.logging.Logger.getLogger("").removeHandler(log);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    Http.Reply call(String method, String path, String body, String token) {
        return call(
                method, path, "application/json", body == null ? null : body.getBytes(StandardCharsets.UTF_8), token);
    }

    Http.Reply call(String method, String path, String contentType, byte[] body, String token, String... headers) {
        List<String> h = new ArrayList<>(List.of(headers));
        if (token != null) {
            h.add("Authorization");
            h.add("Bearer " + token);
        }
        Http.Reply r = http.send(method, path, body == null ? null : contentType, body, h.toArray(String[]::new));
        bodies.add(r.raw());
        return r;
    }

    long latest(int partition) {
        return call("GET", "/v1/topics/" + topic + "/partitions/" + partition + "/offsets?at=latest", null, ADMIN)
                .body()
                .path("offset")
                .asLong();
    }

    JsonNode describeGroup() {
        return call("GET", "/v1/groups/" + group, null, ADMIN).body();
    }

    static void assertProblem(Http.Reply r, int status, String code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.code()).isEqualTo(code);
    }

    /**
     * One endpoint: a request (method, path, content type, body), the token that lacks its permission, the token
     * that has it and the status that then comes, and a check that the refused request changed nothing.
     */
    record Case(
            String name,
            String method,
            Supplier<String> path,
            String contentType,
            Supplier<byte[]> body,
            String lacking,
            String allowed,
            int ok,
            Runnable unchanged) {}

    static Supplier<byte[]> json(Supplier<String> s) {
        return () -> s.get().getBytes(StandardCharsets.UTF_8);
    }

    // ---- the table ----------------------------------------------------------------------------------------

    long memberEpoch;
    long producerId;

    List<Case> cases() {
        String t = "/v1/topics/" + topic;
        String g = "/v1/groups/" + group;
        String created = "auth-created-" + suffix;
        // one Kafka batch (the worked example of docs/protocol.md) framed for partition 0
        byte[] batch = HexFormat.of()
                .parseHex("000000000000004600000000000000000000003affffffff02f284838b0000000000000000019ab697e800"
                        + "0000019ab697e800ffffffffffffffffffffffffffff0000000110000000026b027600");
        String none = "";
        return List.of(
                new Case(
                        "create a topic",
                        "PUT",
                        () -> "/v1/topics/" + created,
                        "application/json",
                        json(() -> "{\"partitions\": 1}"),
                        WRITER,
                        ADMIN,
                        201,
                        () -> assertProblem(call("GET", "/v1/topics/" + created, null, ADMIN), 404, "unknown_topic")),
                new Case("describe a topic", "GET", () -> t, null, null, NOBODY, READER, 200, () -> {}),
                new Case(
                        "alter a topic",
                        "PATCH",
                        () -> t,
                        "application/json",
                        json(() -> "{\"partitions\": 3}"),
                        WRITER,
                        ADMIN,
                        200,
                        () -> assertThat(call("GET", t, null, ADMIN)
                                        .body()
                                        .path("partitions")
                                        .asInt())
                                .isEqualTo(2)),
                new Case(
                        "produce JSON",
                        "POST",
                        () -> t + "/records",
                        "application/json",
                        json(() -> "{\"records\": [{\"value\": \"x\", \"partition\": 0}]}"),
                        READER,
                        WRITER,
                        200,
                        () -> assertThat(latest(0)).isEqualTo(1)),
                new Case(
                        "produce to a partition",
                        "POST",
                        () -> t + "/partitions/1/records",
                        "application/json",
                        json(() -> "{\"records\": [{\"value\": \"y\"}]}"),
                        READER,
                        WRITER,
                        200,
                        () -> assertThat(latest(1)).isZero()),
                new Case(
                        "produce binary batches",
                        "POST",
                        () -> t + "/records",
                        "application/vnd.eddy.batches",
                        () -> batch,
                        READER,
                        WRITER,
                        200,
                        () -> assertThat(latest(0)).isEqualTo(2)),
                new Case(
                        "register a producer",
                        "POST",
                        () -> "/v1/producers",
                        "application/json",
                        json(() -> none),
                        READER,
                        WRITER,
                        201,
                        () -> {}),
                new Case(
                        "bump a producer's epoch",
                        "POST",
                        () -> "/v1/producers/" + producerId + "/epoch",
                        "application/json",
                        json(() -> "{\"epoch\": 0}"),
                        READER,
                        WRITER,
                        200,
                        () -> {}),
                new Case(
                        "fetch JSON",
                        "GET",
                        () -> t + "/partitions/0/records?offset=0",
                        null,
                        null,
                        WRITER,
                        READER,
                        200,
                        () -> {}),
                new Case(
                        "list offsets",
                        "GET",
                        () -> t + "/partitions/0/offsets?at=earliest",
                        null,
                        null,
                        WRITER,
                        READER,
                        200,
                        () -> {}),
                new Case(
                        "fetch many partitions",
                        "POST",
                        () -> "/v1/fetch",
                        "application/json",
                        json(() ->
                                "{\"partitions\": [{\"topic\": \"" + topic + "\", \"partition\": 0, \"offset\": 0}]}"),
                        WRITER,
                        READER,
                        200,
                        () -> {}),
                new Case(
                        "join a group",
                        "PUT",
                        () -> g + "/members/m1",
                        "application/json",
                        json(() -> "{\"member_epoch\": 0, \"topics\": [\"" + topic
                                + "\"], \"auto_offset_reset\": \"earliest\"}"),
                        WRITER,
                        READER,
                        200,
                        () -> assertProblem(call("GET", g, null, ADMIN), 404, "unknown_group")),
                new Case(
                        "commit offsets",
                        "POST",
                        () -> g + "/offsets",
                        "application/json",
                        json(() -> "{\"member_id\": \"m1\", \"member_epoch\": " + memberEpoch
                                + ", \"offsets\": [{\"topic\": \"" + topic + "\", \"partition\": 0, \"offset\": 1}]}"),
                        WRITER,
                        READER,
                        200,
                        () -> assertThat(committed(0)).isNull()),
                new Case("describe a group", "GET", () -> g, null, null, WRITER, READER, 200, () -> {}),
                new Case(
                        "leave a group",
                        "DELETE",
                        () -> g + "/members/m1",
                        null,
                        null,
                        WRITER,
                        READER,
                        204,
                        () -> assertThat(describeGroup().path("members")).hasSize(1)),
                new Case(
                        "reset a group's offsets",
                        "POST",
                        () -> g + "/offsets:reset",
                        "application/json",
                        json(() -> "{\"to\": \"earliest\"}"),
                        READER,
                        ADMIN,
                        200,
                        () -> assertThat(committed(0)).isEqualTo(1L)),
                new Case(
                        "delete a group",
                        "DELETE",
                        () -> g,
                        null,
                        null,
                        READER,
                        ADMIN,
                        204,
                        () -> assertThat(call("GET", g, null, ADMIN).status()).isEqualTo(200)),
                new Case(
                        "compact now",
                        "POST",
                        () -> "/v1/admin/compact?dry_run=true&topic=" + topic,
                        "application/json",
                        json(() -> none),
                        READER,
                        ADMIN,
                        200,
                        () -> {}),
                new Case("statistics", "GET", () -> "/v1/stats", null, null, WRITER, ADMIN, 200, () -> {}),
                new Case(
                        "delete a topic",
                        "DELETE",
                        () -> t,
                        null,
                        null,
                        READER,
                        ADMIN,
                        204,
                        () -> assertThat(call("GET", t, null, ADMIN).status()).isEqualTo(200)));
    }

    Long committed(int partition) {
        for (JsonNode p : describeGroup().path("partitions")) {
            if (p.path("partition").asInt() == partition) {
                return p.path("committed_offset").isNull()
                        ? null
                        : p.path("committed_offset").asLong();
            }
        }
        return null;
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointRefusesTheUnauthenticatedAndTheUnauthorisedAndServesTheAllowed() {
        return cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    byte[] body = c.body() == null ? null : c.body().get();
                    // without credentials, or with a token nobody has: 401, nothing done
                    for (String token : new String[] {null, UNKNOWN}) {
                        Http.Reply r = call(c.method(), c.path().get(), c.contentType(), body, token);
                        assertProblem(r, 401, "unauthenticated");
                        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"eddy\"");
                        c.unchanged().run();
                    }
                    // a known principal without the permission: 403, nothing done
                    Http.Reply denied = call(c.method(), c.path().get(), c.contentType(), body, c.lacking());
                    assertProblem(denied, 403, "forbidden");
                    assertThat(denied.raw()).doesNotContain(c.lacking());
                    c.unchanged().run();
                    // with it: done
                    Http.Reply ok = call(c.method(), c.path().get(), c.contentType(), body, c.allowed());
                    assertThat(ok.status()).as(c.name() + ": " + ok.raw()).isEqualTo(c.ok());
                    if (c.name().equals("join a group")) {
                        memberEpoch = ok.body().path("member_epoch").asLong();
                    } else if (c.name().equals("register a producer")) {
                        producerId = ok.body().path("producer_id").asLong();
                    } else if (c.name().equals("bump a producer's epoch")) {
                        assertThat(ok.body().path("epoch").asLong())
                                .as("the refused bumps did not bump")
                                .isEqualTo(1);
                    }
                }));
    }

    @Test
    void onlyThePrincipalThatRegisteredAProducerMayBumpItsEpoch() {
        Http.Reply registered = call("POST", "/v1/producers", "", WRITER);
        assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
        long id = registered.body().path("producer_id").asLong();
        String produce = "{\"producer_id\": " + id + ", \"producer_epoch\": 0, \"base_sequences\": {\"0\": 0}, "
                + "\"records\": [{\"value\": \"mine\"}]}";

        // admin may produce everywhere, yet the producer is the writer's: it may not fence it
        Http.Reply stolen = call("POST", "/v1/producers/" + id + "/epoch", "{\"epoch\": 0}", ADMIN);

        assertProblem(stolen, 403, "forbidden");
        assertThat(stolen.raw()).doesNotContain(ADMIN);
        Http.Reply produced = call("POST", "/v1/topics/" + shared + "/partitions/0/records", produce, WRITER);
        assertThat(produced.status())
                .as("the owner is not fenced: " + produced.raw())
                .isEqualTo(200);
        Http.Reply bumped = call("POST", "/v1/producers/" + id + "/epoch", "{\"epoch\": 0}", WRITER);
        assertThat(bumped.status()).as(bumped.raw()).isEqualTo(200);
        assertThat(bumped.body().path("epoch").asInt()).isEqualTo(1);
    }

    @Test
    void aStreamingReadNeedsConsume() throws Exception {
        String path = "/v1/topics/" + shared + "/partitions/0/records?offset=0";
        assertProblem(call("GET", path, null, null, null, "Accept", "text/event-stream"), 401, "unauthenticated");
        assertProblem(call("GET", path, null, null, WRITER, "Accept", "text/event-stream"), 403, "forbidden");
        assertProblem(
                call("GET", path, null, null, WRITER, "Accept", "application/vnd.eddy.batches"), 403, "forbidden");
        // allowed: the stream starts (read its head only, it never ends by itself)
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> stream = client.send(
                HttpRequest.newBuilder(URI.create(url.toString()).resolve(path))
                        .header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + READER)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = stream.body()) {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        }
    }

    @Test
    void listingsShowOnlyWhatTheCallerHoldsAGrantOn() {
        String other = "private-" + suffix;
        assertThat(call("PUT", "/v1/topics/" + other, "{\"partitions\": 1}", ADMIN)
                        .status())
                .isEqualTo(201);
        String otherGroup = "private-g-" + suffix;
        assertThat(call(
                                "PUT",
                                "/v1/groups/" + otherGroup + "/members/m",
                                "{\"member_epoch\": 0, \"topics\": [\"" + other + "\"]}",
                                ADMIN)
                        .status())
                .isEqualTo(200);

        assertProblem(call("GET", "/v1/topics", null, null), 401, "unauthenticated");
        assertProblem(call("GET", "/v1/groups", null, null), 401, "unauthenticated");
        assertThat(names(call("GET", "/v1/topics", null, ADMIN), "topics", "name"))
                .contains(shared, other);
        assertThat(names(call("GET", "/v1/topics", null, WRITER), "topics", "name"))
                .contains(shared)
                .doesNotContain(other)
                .allMatch(n -> n.startsWith("auth-"));
        assertThat(names(call("GET", "/v1/topics", null, NOBODY), "topics", "name"))
                .isEmpty();
        assertThat(names(call("GET", "/v1/groups", null, ADMIN), "groups", "group"))
                .contains(otherGroup);
        assertThat(names(call("GET", "/v1/groups", null, READER), "groups", "group"))
                .doesNotContain(otherGroup)
                .allMatch(n -> n.startsWith("auth-"));
        assertThat(names(call("GET", "/v1/groups", null, WRITER), "groups", "group"))
                .isEmpty();
    }

    @Test
    void topicsNamedInABodyNeedTheirOwnGrant() {
        String other = "private-body-" + suffix;
        assertThat(call("PUT", "/v1/topics/" + other, "{\"partitions\": 1}", ADMIN)
                        .status())
                .isEqualTo(201);
        String g = "/v1/groups/auth-body-" + suffix;
        // a group the reader may use, subscribing to a topic it may not read
        assertProblem(
                call(
                        "PUT",
                        g + "/members/m",
                        "{\"member_epoch\": 0, \"topics\": [\"" + shared + "\", \"" + other + "\"]}",
                        READER),
                403,
                "forbidden");
        // a pattern could match any topic: it needs consume on every topic
        assertProblem(
                call("PUT", g + "/members/m", "{\"member_epoch\": 0, \"topic_pattern\": \"auth-.*\"}", READER),
                403,
                "forbidden");
        assertProblem(call("GET", g, null, ADMIN), 404, "unknown_group");
        // one forbidden partition refuses the whole fetch
        Http.Reply r = call(
                "POST",
                "/v1/fetch",
                "{\"partitions\": [{\"topic\": \"" + shared + "\", \"partition\": 0}, " + "{\"topic\": \"" + other
                        + "\", \"partition\": 0}]}",
                READER);
        assertProblem(r, 403, "forbidden");
        assertThat(r.body().path("resource").asText()).isEqualTo(other);
        // a commit naming a topic the reader may not read changes nothing
        Http.Reply joined =
                call("PUT", g + "/members/m", "{\"member_epoch\": 0, \"topics\": [\"" + shared + "\"]}", READER);
        assertThat(joined.status()).isEqualTo(200);
        assertProblem(
                call(
                        "POST",
                        g + "/offsets",
                        "{\"member_id\": \"m\", \"member_epoch\": "
                                + joined.body().path("member_epoch") + ", \"offsets\": [{\"topic\": \"" + other
                                + "\", \"partition\": 0, \"offset\": 0}]}",
                        READER),
                403,
                "forbidden");
    }

    @Test
    void aGroupDescriptionShowsOnlyTopicsTheCallerHoldsAGrantOn() {
        String other = "private-desc-" + suffix;
        assertThat(call("PUT", "/v1/topics/" + other, "{\"partitions\": 1}", ADMIN)
                        .status())
                .isEqualTo(201);
        assertThat(call("POST", "/v1/topics/" + other + "/records", "{\"records\": [{\"value\": \"secret\"}]}", ADMIN)
                        .status())
                .isEqualTo(200);
        String g = "/v1/groups/auth-desc-" + suffix;
        // the admin's member of a group the reader may use reads (and commits on) a topic the reader may not
        Http.Reply joined = call(
                "PUT",
                g + "/members/m",
                "{\"member_epoch\": 0, \"topics\": [\"" + shared + "\", \"" + other + "\"]}",
                ADMIN);
        assertThat(joined.status()).as(joined.raw()).isEqualTo(200);
        assertThat(call(
                                "POST",
                                g + "/offsets",
                                "{\"member_id\": \"m\", \"member_epoch\": "
                                        + joined.body().path("member_epoch") + ", \"offsets\": [{\"topic\": \"" + other
                                        + "\", \"partition\": 0, \"offset\": 1}]}",
                                ADMIN)
                        .status())
                .isEqualTo(200);

        Http.Reply admin = call("GET", g, null, ADMIN);
        assertThat(admin.body().path("partitions").findValuesAsText("topic")).contains(shared, other);
        Http.Reply reader = call("GET", g, null, READER);
        assertThat(reader.status()).as(reader.raw()).isEqualTo(200);
        assertThat(reader.body().path("partitions").findValuesAsText("topic")).containsOnly(shared);
        assertThat(reader.body().path("members")).hasSize(1);
        assertThat(reader.raw())
                .as("no offset, watermark or name of the private topic")
                .doesNotContain(other);
    }

    @Test
    void resettingAGroupsOffsetsNeedsConsumeOnEveryTopicItMoves() {
        String other = "private-reset-" + suffix;
        assertThat(call("PUT", "/v1/topics/" + other, "{\"partitions\": 1}", ADMIN)
                        .status())
                .isEqualTo(201);
        assertThat(call(
                                "POST",
                                "/v1/topics/" + other + "/records",
                                "{\"records\": [{\"value\": \"a\"}, {\"value\": \"b\"}]}",
                                ADMIN)
                        .status())
                .isEqualTo(200);
        String g = "/v1/groups/auth-reset-" + suffix;
        assertThat(call(
                                "POST",
                                g + "/offsets:reset",
                                "{\"to\": \"latest\", \"topics\": [\"" + shared + "\", \"" + other + "\"]}",
                                ADMIN)
                        .status())
                .isEqualTo(200);

        // named, or implied by "the topics the group has committed on": refused, nothing moved
        Http.Reply named = call(
                "POST", g + "/offsets:reset", "{\"to\": \"earliest\", \"topics\": [\"" + other + "\"]}", GROUP_ADMIN);
        assertProblem(named, 403, "forbidden");
        assertThat(named.body().path("resource").asText()).isEqualTo(other);
        assertProblem(call("POST", g + "/offsets:reset", "{\"to\": \"earliest\"}", GROUP_ADMIN), 403, "forbidden");
        assertProblem(
                call("POST", g + "/offsets:reset", "{\"to\": \"earliest\", \"dry_run\": true}", GROUP_ADMIN),
                403,
                "forbidden");
        JsonNode after = call("GET", g, null, ADMIN).body().path("partitions");
        assertThat(after.findValuesAsText("topic")).contains(other);
        after.forEach(p -> {
            if (p.path("topic").asText().equals(other)) {
                assertThat(p.path("committed_offset").asLong()).isEqualTo(2);
            }
        });
        // its own topics it may move
        assertThat(call(
                                "POST",
                                g + "/offsets:reset",
                                "{\"to\": \"earliest\", \"topics\": [\"" + shared + "\"]}",
                                GROUP_ADMIN)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void anIdempotencyKeyBelongsToThePrincipalThatSentIt() {
        String path = "/v1/topics/" + shared + "/records";
        String body = "{\"records\": [{\"value\": \"same\", \"partition\": 0}]}";
        String key = "key-" + suffix;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Http.Reply first = call("POST", path, "application/json", bytes, WRITER, "Idempotency-Key", key);
        assertThat(first.status()).as(first.raw()).isEqualTo(200);

        // another principal, the same key and request: its own produce, not the writer's answer
        Http.Reply other = call("POST", path, "application/json", bytes, ADMIN, "Idempotency-Key", key);
        assertThat(other.status()).as(other.raw()).isEqualTo(200);
        assertThat(other.header("Idempotent-Replayed")).isNull();
        assertThat(offset(other)).isGreaterThan(offset(first));

        // the writer's own retry is still a replay
        Http.Reply retry = call("POST", path, "application/json", bytes, WRITER, "Idempotency-Key", key);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(offset(retry)).isEqualTo(offset(first));
    }

    private static long offset(Http.Reply produced) {
        return produced.body().path("offsets").get(0).path("offset").asLong();
    }

    @ParameterizedTest(name = "Authorization: {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Basic YWRtaW46YWRtaW4=",
                "Bearer",
                "Bearer  ",
                "bearer eddy_test-unknown-Pd6yN0",
                "Token eddy_test-admin-Jq2pX9",
                "eddy_test-admin-Jq2pX9"
            })
    void malformedOrUnknownCredentialsAreUnauthenticated(String header) {
        Http.Reply r = call("GET", "/v1/topics", null, null, null, "Authorization", header);
        assertProblem(r, 401, "unauthenticated");
        assertThat(r.raw()).doesNotContain("eddy_test").doesNotContain("YWRtaW4");
    }

    @Test
    void theBearerSchemeIsCaseInsensitive() {
        assertThat(call("GET", "/v1/topics", null, null, null, "Authorization", "bEaReR " + ADMIN)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theClientAndTheToolSendTheirToken() throws Exception {
        String t = "auth-client-" + suffix;
        String g = "auth-client-g-" + suffix;
        // the admin client: without a token refused, with one allowed
        try (EddyAdmin anonymous = new EddyAdmin(Map.of("url", url.toString()))) {
            assertThatThrownBy(() -> anonymous.createTopic(t, 1, Map.of()))
                    .isInstanceOfSatisfying(
                            EddyClientException.class, e -> assertThat(e.code()).isEqualTo("unauthenticated"));
        }
        try (EddyAdmin admin = new EddyAdmin(Map.of("url", url.toString(), "token", ADMIN))) {
            admin.createTopic(t, 1, Map.of());
        }
        // the producer as writer (idempotent: it registers a producer id too), the consumer as reader in a group
        try (EddyProducer<String, String> producer = new EddyProducer<>(
                Map.of("url", url.toString(), "token", WRITER), new StringSerializer(), new StringSerializer())) {
            assertThat(producer.send(new ProducerRecord<>(t, "k", "v"))
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS)
                            .offset())
                    .isZero();
        }
        try (EddyConsumer<String, String> consumer = new EddyConsumer<>(
                Map.of("url", url.toString(), "token", READER, "group.id", g, "auto.offset.reset", "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(t));
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
            }
            assertThat(seen).containsExactly("v");
        }
        // the tool: --token, refused without; the token never printed
        CliRun refused = eddy("", "topics", "list");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("(unauthenticated)");
        CliRun listed = eddy("", "topics", "list", "--token", WRITER);
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.out()).contains(t).doesNotContain("private-");
        CliRun denied = eddy("", "topics", "delete", t, "--token", WRITER);
        assertThat(denied.exit()).isEqualTo(1);
        assertThat(denied.err()).contains("(forbidden)");
        for (CliRun r : List.of(refused, listed, denied, eddy("", "topics", "list", "--help"))) {
            assertThat(r.out() + r.err()).doesNotContain(WRITER);
        }
        // token new: a token and the hash of exactly that token; token hash: the server's hash of a token
        CliRun made = eddy("", "token", "new", "ci");
        assertThat(made.exit()).as(made.err()).isZero();
        String token = made.lines().get(1).trim();
        assertThat(made.out())
                .contains("eddy.auth.principals.ci.token-sha256="
                        + TokenHash.of(token).hex());
        CliRun hashed = eddy(ADMIN + "\n", "token", "hash");
        assertThat(hashed.out().trim()).isEqualTo(TokenHash.of(ADMIN).hex());
    }

    private CliRun eddy(String stdin, String... args) {
        return CliRun.of(url, stdin, args);
    }

    /** Last, so it checks everything the other tests made the server log and send back. */
    @Test
    @Order(Integer.MAX_VALUE)
    void noTokenAppearsInAnyResponseOrInTheLog() {
        call("GET", "/v1/topics", null, UNKNOWN);
        call("POST", "/v1/topics/" + shared + "/records", "{\"records\": [{\"value\": \"" + ADMIN + "\"}]}", READER);
        String logged = log.text();
        assertThat(logged).as("the capture sees the access log").contains("/v1/topics");
        for (String token : TOKENS) {
            assertThat(logged).doesNotContain(token);
            assertThat(logged).doesNotContain(TokenHash.of(token).hex());
        }
        for (String body : bodies) {
            if (body.contains("\"code\"")) {
                for (String token : TOKENS) {
                    assertThat(body).doesNotContain(token);
                }
            }
        }
    }

    private static List<String> names(Http.Reply r, String array, String field) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.body().path(array).forEach(n -> out.add(n.path(field).asText()));
        return out;
    }
}
