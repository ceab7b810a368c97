package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.Http;

/** A topic and a group as the tests of group sampling need them, made through the HTTP API. */
public final class GroupFixtures {
    private GroupFixtures() {}

    /** A new one-partition topic named {@code prefix} and a unique suffix, holding 3 records. */
    public static String topicOfThreeRecords(Http http, String prefix) {
        String topic = prefix + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 1}").status())
                .isEqualTo(201);
        assertThat(http.post(
                                "/v1/topics/" + topic + "/records",
                                "{\"records\": [{\"value\": 1}, {\"value\": 2}, {\"value\": 3}]}")
                        .status())
                .isEqualTo(200);
        return topic;
    }

    /**
     * Member {@code a} joins {@code group} subscribed to {@code topic} and commits offset 1 of its partition 0;
     * returns its subscription (a join body for another member).
     */
    public static String joinAndCommitOne(Http http, String group, String topic) {
        String subscribe = "{\"member_epoch\": 0, \"topics\": [\"" + topic + "\"]}";
        long epoch = http.put("/v1/groups/" + group + "/members/a", subscribe)
                .body()
                .get("member_epoch")
                .asLong();
        assertThat(http.post(
                                "/v1/groups/" + group + "/offsets",
                                "{\"member_id\": \"a\", \"member_epoch\": " + epoch + ", \"offsets\": [{\"topic\": \""
                                        + topic + "\", \"partition\": 0, \"offset\": 1}]}")
                        .status())
                .isEqualTo(200);
        return subscribe;
    }
}
