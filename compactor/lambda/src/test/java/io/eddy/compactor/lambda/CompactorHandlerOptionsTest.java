package io.eddy.compactor.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.compact.Compactor;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the handler reads its input: a scheduled event or nothing is a full pass; otherwise the options. */
class CompactorHandlerOptionsTest {

    @Test
    void aScheduledEventOrNoInputIsAFullPass() {
        Map<String, Object> scheduled = new HashMap<>();
        scheduled.put("detail-type", "Scheduled Event");
        scheduled.put("source", "aws.events");
        scheduled.put("detail", Map.of());
        assertThat(CompactorHandler.options(scheduled)).isEqualTo(Compactor.Options.all());
        assertThat(CompactorHandler.options(Map.of())).isEqualTo(Compactor.Options.all());
        assertThat(CompactorHandler.options(null)).isEqualTo(Compactor.Options.all());
    }

    @Test
    void optionsAreReadWithTheAdminEndpointsDefaults() {
        assertThat(CompactorHandler.options(Map.of("dry_run", true, "topic", "orders", "scrub", "true")))
                .isEqualTo(new Compactor.Options(true, true, true, "orders", true));
        assertThat(CompactorHandler.options(Map.of("gc", false, "repair", false)))
                .isEqualTo(new Compactor.Options(false, false, false, null, false));
    }

    @Test
    void aPassStopsStartingJobsALeaseAndAMinuteBeforeTheTimeout() {
        Instant now = Instant.parse("2026-11-30T03:00:00Z");
        Duration lease = Duration.ofMinutes(5);
        // 15 minutes left: jobs start for 9, the last may run its 5-minute lease, 1 minute to answer
        assertThat(CompactorHandler.deadline(now, Duration.ofMinutes(15).toMillis(), lease))
                .contains(now.plus(Duration.ofMinutes(9)));
        // less than a lease left: nothing starts
        assertThat(CompactorHandler.deadline(now, Duration.ofMinutes(4).toMillis(), lease))
                .contains(now);
        // no real deadline (the mock event server sends none; Quarkus then reports a meaningless remaining time)
        assertThat(CompactorHandler.deadline(now, -5, lease)).isEmpty();
        assertThat(CompactorHandler.deadline(now, Integer.MAX_VALUE, lease)).isEmpty();
    }

    @Test
    void unknownOptionsAndBadValuesAreRefused() {
        assertThatThrownBy(() -> CompactorHandler.options(Map.of("dryrun", true)))
                .hasMessageContaining("dryrun");
        assertThatThrownBy(() -> CompactorHandler.options(Map.of("dry_run", "yes")))
                .hasMessageContaining("dry_run");
        assertThatThrownBy(() -> CompactorHandler.options(Map.of("topic", 7))).hasMessageContaining("topic");
    }
}
