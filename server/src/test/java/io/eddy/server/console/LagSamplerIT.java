package io.eddy.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.group.TopicPartition;
import io.eddy.server.GroupFixtures;
import io.eddy.server.StandinsTestResource;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console's lag sampler reads only the groups someone watches: a pass describes a group once its lag plot has
 * been read, and a group nobody looks at costs the metadata plane nothing.
 */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class LagSamplerIT {
    @TestHTTPResource("/")
    URL url;

    @Inject
    LagSampler sampler;

    @Test
    void aGroupIsSampledOnceSomeoneReadsItsLagPlotAndNotBefore() {
        // given: a group that has committed offset 1 of a partition holding 3 records
        Http http = new Http(URI.create(url.toString()));
        String topic = GroupFixtures.topicOfThreeRecords(http, "lag-sampler-");
        String group = "lag-sampler-group-" + Long.toHexString(System.nanoTime());
        GroupFixtures.joinAndCommitOne(http, group, topic);

        // when: a pass before anyone has read the group's plot
        sampler.sample().await().atMost(Duration.ofSeconds(30));

        // then: the group was not described
        assertThat(sampler.history().samples(group)).isEmpty();

        // when: the console reads its plot, and a pass follows
        assertThat(http.get("/console/api/groups/" + group + "/lag").status()).isEqualTo(200);
        sampler.sample().await().atMost(Duration.ofSeconds(30));

        // then: the pass sampled its lag
        List<LagSample> samples = sampler.history().samples(group);
        assertThat(samples).isNotEmpty();
        assertThat(samples.get(samples.size() - 1).lags()).containsEntry(new TopicPartition(topic, 0), 2L);
    }
}
