package io.eddy.fetch;

import static io.eddy.testkit.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Consumer groups over HTTP, as a client that speaks the protocol by hand sees them. */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class GroupsIT {
    @TestHTTPResource("/")
    URL url;

    Http http;
    String topic;
    String group;

    @BeforeEach
    void topic() {
        http = new Http(URI.create(url.toString()));
        String suffix = Long.toHexString(System.nanoTime());
        topic = "groups-" + suffix;
        group = "g-" + suffix;
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 6}").status())
                .isEqualTo(201);
        for (int p = 0; p < 6; p++) {
            assertThat(http.post(
                                    "/v1/topics/" + topic + "/records",
                                    "{\"records\": ["
                                            + String.join(
                                                    ",",
                                                    java.util.Collections.nCopies(
                                                            p + 1, "{\"value\": \"x\", \"partition\": " + p + "}"))
                                            + "]}")
                            .status())
                    .isEqualTo(200);
        }
    }

    private String member(String id) {
        return "/v1/groups/" + group + "/members/" + id;
    }

    private Http.Reply join(String id) {
        return http.put(
                member(id),
                "{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"], \"auto_offset_reset\": \"earliest\"}");
    }

    private Http.Reply beat(String id, JsonNode last) {
        return http.put(
                member(id),
                "{\"member_epoch\": " + last.get("member_epoch").asLong() + ", \"owned\": "
                        + last.get("assignment")
                                .toString()
                                .replaceAll(",\"offset\":[^,}]*|,\"committed\":(true|false)", "")
                        + "}");
    }

    private static List<Integer> partitions(JsonNode list) {
        List<Integer> out = new ArrayList<>();
        list.forEach(p -> out.add(p.get("partition").asInt()));
        return out;
    }

    @Test
    void twoMembersShareTheTopicThroughRevocationAndCommitsShowAsLag() {
        Http.Reply a = join("a");
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        assertThat(a.body().get("member_epoch").asLong()).isPositive();
        assertThat(a.body().get("heartbeat_interval_ms").asLong()).isEqualTo(5000);
        assertThat(partitions(a.body().get("assignment"))).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(a.body().get("assignment").get(3).get("offset").asLong())
                .as("earliest")
                .isZero();
        assertThat(a.body().get("assignment").get(3).get("committed").asBoolean())
                .isFalse();

        Http.Reply b = join("b");
        assertThat(b.body().get("assignment")).isEmpty();
        assertThat(b.body().get("pending")).hasSize(3);

        Http.Reply a2 = beat("a", a.body());
        assertThat(a2.body().get("revoke")).hasSize(3);
        assertThat(a2.body().get("assignment")).hasSize(3);
        assertThat(a2.body().get("assignment").get(0).has("offset"))
                .as("already owned: no start offset")
                .isFalse();
        // before giving them up, a commits where it got to on one of them
        JsonNode leaving = a2.body().get("revoke").get(0);
        Http.Reply commit = http.post(
                "/v1/groups/" + group + "/offsets",
                "{\"member_id\": \"a\", \"member_epoch\": "
                        + a2.body().get("member_epoch").asLong() + ", \"offsets\": [{\"topic\": \"" + topic
                        + "\", \"partition\": "
                        + leaving.get("partition").asInt() + ", \"offset\": 1, \"metadata\": \"a was here\"}]}");
        assertThat(commit.status()).as(commit.raw()).isEqualTo(200);

        Http.Reply a3 = beat("a", a2.body());
        assertThat(a3.body().get("revoke")).isEmpty();
        Http.Reply b2 = beat("b", b.body());
        assertThat(partitions(b2.body().get("assignment")))
                .containsExactlyElementsOf(partitions(a2.body().get("revoke")));
        JsonNode handedOver = b2.body().get("assignment").get(0);
        assertThat(handedOver.get("offset").asLong()).isEqualTo(1);
        assertThat(handedOver.get("committed").asBoolean()).isTrue();

        JsonNode d = http.get("/v1/groups/" + group).body();
        assertThat(d.get("state").asText()).isEqualTo("stable");
        assertThat(d.get("members"))
                .extracting(m -> m.get("member_id").asText())
                .containsExactly("a", "b");
        JsonNode p = d.get("partitions").get(leaving.get("partition").asInt());
        assertThat(p.get("owner").asText()).isEqualTo("b");
        assertThat(p.get("committed_offset").asLong()).isEqualTo(1);
        assertThat(p.get("metadata").asText()).isEqualTo("a was here");
        assertThat(p.get("lag").asLong()).isEqualTo(p.get("high_watermark").asLong() - 1);
        assertThat(http.get("/v1/groups").body().get("groups"))
                .extracting(g -> g.get("group").asText())
                .contains(group);
    }

    @Test
    void fencingAndBadRequestsAreClientErrors() {
        Http.Reply a = join("a");
        long epoch = a.body().get("member_epoch").asLong();
        String commit =
                "{\"member_id\": \"a\", \"member_epoch\": %d, \"offsets\": [{\"topic\": \"%s\", \"partition\": %d, \"offset\": 1}]}";

        assertProblem(
                http.post("/v1/groups/" + group + "/offsets", String.format(commit, epoch + 1, topic, 0)),
                409,
                "stale_member_epoch");
        assertProblem(http.put(member("a"), "{\"member_epoch\": " + (epoch + 5) + "}"), 409, "stale_member_epoch");
        assertProblem(http.put(member("ghost"), "{\"member_epoch\": 3}"), 404, "unknown_member");
        assertProblem(
                http.post("/v1/groups/" + group + "/offsets", String.format(commit, epoch, "no-such-topic", 0)),
                404,
                "unknown_topic");
        assertProblem(
                http.post("/v1/groups/" + group + "/offsets", String.format(commit, epoch, topic, 6)),
                404,
                "unknown_partition");
        assertProblem(http.put(member("c"), "{\"member_epoch\": 0}"), 400, "invalid_request");
        assertProblem(
                http.put(
                        member("c"),
                        "{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"], \"sesion_timeout_ms\": 1}"),
                400,
                "invalid_request");
        assertProblem(
                http.put(member("c"), "{\"member_epoch\": 0, \"topic_pattern\": \"(unclosed\"}"),
                400,
                "invalid_request");
        assertProblem(
                http.put(
                        member("c"),
                        "{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"], \"session_timeout_ms\": 10}"),
                400,
                "invalid_request");
        assertProblem(
                http.put(
                        member("c"), "{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"], \"assignor\": \"magic\"}"),
                400,
                "invalid_request");
        assertProblem(
                http.put(
                        member("c"), "{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"], \"assignor\": \"range\"}"),
                409,
                "inconsistent_assignor");
        assertProblem(
                http.put("/v1/groups/bad%2Fname/members/a", "{\"member_epoch\": 0, \"topics\": [\"t\"]}"),
                400,
                "invalid_group_id");
        assertProblem(http.put(member("a"), "{\"member_epoch\": 0, \"topics\": "), 400, "malformed_json");
        assertProblem(
                http.post(
                        "/v1/groups/" + group + "/offsets",
                        "{\"member_id\": \"a\", \"member_epoch\": 1, \"offsets\": []}"),
                400,
                "invalid_request");
        assertProblem(http.get("/v1/groups/never-" + group), 404, "unknown_group");
        assertProblem(http.delete("/v1/groups/" + group + "/members/ghost"), 404, "unknown_member");
    }

    @Test
    void offsetsResetAndTheGroupIsDeletedOnlyOnceItIsEmpty() {
        Http.Reply a = join("a");
        String reset = "/v1/groups/" + group + "/offsets:reset";
        assertProblem(
                http.post(reset, "{\"to\": \"latest\", \"topics\": [\"" + topic + "\"]}"), 409, "group_not_empty");
        assertProblem(http.delete("/v1/groups/" + group), 409, "group_not_empty");

        assertThat(http.delete(member("a")).status()).isEqualTo(204);
        Http.Reply dry = http.post(reset, "{\"to\": \"latest\", \"topics\": [\"" + topic + "\"], \"dry_run\": true}");
        assertThat(dry.status()).as(dry.raw()).isEqualTo(200);
        assertThat(dry.body().get("offsets"))
                .extracting(o -> o.get("offset").asLong())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(http.get("/v1/groups/" + group).body().get("partitions"))
                .allSatisfy(p -> assertThat(p.get("committed_offset").isNull()).isTrue());

        assertThat(http.post(reset, "{\"to\": \"latest\", \"topics\": [\"" + topic + "\"]}")
                        .status())
                .isEqualTo(200);
        assertThat(http.get("/v1/groups/" + group).body().get("partitions"))
                .allSatisfy(p -> assertThat(p.get("lag").asLong()).isZero());
        assertProblem(http.post(reset, "{\"to\": \"yesterday\"}"), 400, "invalid_request");

        assertThat(http.delete("/v1/groups/" + group).status()).isEqualTo(204);
        assertProblem(http.get("/v1/groups/" + group), 404, "unknown_group");
        assertThat(a.status()).isEqualTo(200);
    }
}
