package io.eddy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/kafka.md's table of APIs and versions is what ApiVersions advertises: on a difference the test fails with
 * the table to paste between the markers.
 */
@ExtendWith(EddyStackExtension.class)
class ApiVersionsDocTest {
    private static final String BEGIN = "<!-- api-versions: begin (ApiVersionsDocTest) -->\n";
    private static final String END = "<!-- api-versions: end -->";

    @Test
    void theDocsTableIsWhatApiVersionsAdvertises(EddyStack stack) throws IOException {
        String expected;
        try (KafkaFrontEnd eddy = new KafkaFrontEnd(stack)) {
            ApiHandlers handlers =
                    KafkaApis.all(eddy.services(), new BrokerNode(BrokerNode.SELF_ID, "127.0.0.1", eddy.port()));
            expected = table(handlers);
        }
        String doc = Files.readString(docs(), StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("the markers in docs/kafka.md").isNotNegative();
        assertThat(doc.substring(begin + BEGIN.length(), end))
                .as("docs/kafka.md's table; paste this between the markers:%n%s", expected)
                .isEqualTo(expected);
    }

    private static String table(ApiHandlers handlers) {
        String rows = StreamSupport.stream(handlers.advertised().spliterator(), false)
                .sorted(Comparator.comparingInt(ApiVersion::apiKey))
                .map(v -> {
                    ApiKeys key = ApiKeys.forId(v.apiKey());
                    String answered = handlers.handler(key)
                            .map(h -> h.oldestVersion() + "–" + h.latestVersion())
                            .orElseThrow();
                    return "| " + key.name + " | " + v.apiKey() + " | " + v.minVersion() + "–" + v.maxVersion() + " | "
                            + answered + " |\n";
                })
                .collect(Collectors.joining());
        return "| API | key | advertised | answered |\n| --- | ---: | --- | --- |\n" + rows;
    }

    private static Path docs() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("docs/kafka.md"))) {
            dir = dir.getParent();
        }
        return dir.resolve("docs/kafka.md");
    }
}
