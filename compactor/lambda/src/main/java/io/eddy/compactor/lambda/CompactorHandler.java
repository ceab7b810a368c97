package io.eddy.compactor.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.eddy.core.compact.CompactionPlan;
import io.eddy.core.compact.Compactor;
import io.eddy.core.compact.GarbageCollector;
import io.eddy.core.topic.TopicService;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.EmfPublisher;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One compaction pass per invocation: what EventBridge's schedule runs, and what an operator runs with
 * {@code aws lambda invoke}. The input is either the scheduled event (its content is ignored: a full pass) or a
 * JSON object of options, all optional: {@code {"dry_run": bool, "topic": "name", "scrub": bool, "gc": bool,
 * "repair": bool}}, with the meanings of {@code POST /v1/admin/compact}. An option name it does not know is
 * refused, so a misspelt {@code dry_run} never turns into a real pass. The answer is the pass's report summary
 * (the counters of {@code ./eddy compact}'s summary line), which is logged too.
 *
 * <p>A pass ends before the function's timeout: it starts no partition job (nor garbage collection) once less
 * than a job lease plus {@link #MARGIN} is left of the invocation's time (the Lambda context's remaining time, or
 * {@link CompactorLambdaConfig#invocationTime()} where set); what it did not reach is the next scheduled pass's
 * ({@code partitions_deferred}, {@code gc_deferred} in the summary).
 *
 * <p>The {@link Compactor} is looked up on the first invocation, not at init: its lease-owner name is random, and
 * a SnapStart snapshot taken with it would give every restored environment the same owner (leases are re-entrant
 * for their owner, so two environments would both hold one).
 */
@Named("compactor")
public class CompactorHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = Logger.getLogger(CompactorHandler.class);
    private static final Set<String> OPTIONS = Set.of("dry_run", "topic", "scrub", "gc", "repair");
    private static final Compactor.Progress QUIET = new Compactor.Progress() {
        @Override
        public void partitionDone(int done, int total, CompactionPlan plan) {}

        @Override
        public void garbage(List<GarbageCollector.Doomed> doomed) {}
    };

    /** The longest a Lambda function may run: a remaining time above it is not a real invocation's. */
    private static final long MAX_LAMBDA_MS = Duration.ofMinutes(15).toMillis();
    /** Kept free after the last job's lease, to release it, collect nothing more and answer. */
    static final Duration MARGIN = Duration.ofMinutes(1);

    private final Instance<Compactor> compactor;
    private final TopicService topics;
    private final EddyConfig config;
    private final CompactorLambdaConfig lambda;
    private final EddyMeters meters;
    private final EmfPublisher emf;

    public CompactorHandler(
            Instance<Compactor> compactor,
            TopicService topics,
            EddyConfig config,
            CompactorLambdaConfig lambda,
            EddyMeters meters,
            EmfPublisher emf) {
        this.compactor = compactor;
        this.topics = topics;
        this.config = config;
        this.lambda = lambda;
        this.meters = meters;
        this.emf = emf;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Compactor.Options options = options(event);
        long remaining = lambda.invocationTime().map(Duration::toMillis).orElseGet(() ->
                (long) context.getRemainingTimeInMillis());
        Optional<Instant> deadline =
                deadline(Instant.now(), remaining, config.compactor().leaseDuration());
        if (deadline.isPresent()) {
            options = options.until(deadline.get());
        }
        if (options.onlyTopic() != null) {
            topics.require(options.onlyTopic()).await().atMost(Duration.ofSeconds(30)); // unknown topic: an error
        }
        Compactor.Result result;
        try {
            result = compactor.get().run(options, QUIET).await().indefinitely();
        } catch (RuntimeException e) {
            LOG.errorf(e, "compaction pass failed");
            throw e;
        }
        meters.compacted(result.report(), options.dryRun());
        emf.publish();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("dry_run", options.dryRun());
        if (options.onlyTopic() != null) {
            summary.put("topic", options.onlyTopic());
        }
        summary.putAll(result.report().summary());
        summary.put("garbage_objects", result.garbage().size());
        LOG.infof("compaction pass: %s", summary);
        return summary;
    }

    /**
     * When the pass stops starting jobs: early enough that a job started just before may run its whole lease and
     * the function still answer before its timeout. Empty when the remaining time cannot be a real invocation's
     * (not positive, or above Lambda's 15-minute limit).
     */
    static Optional<Instant> deadline(Instant now, long remainingMs, Duration lease) {
        if (remainingMs <= 0 || remainingMs > MAX_LAMBDA_MS) {
            return Optional.empty();
        }
        long budget = remainingMs - lease.plus(MARGIN).toMillis();
        if (budget <= 0) {
            LOG.warnf(
                    "%d ms left is less than a job lease (%s) plus %s: this pass starts no job",
                    remainingMs, lease, MARGIN);
        }
        return Optional.of(now.plusMillis(Math.max(0, budget)));
    }

    /** A scheduled event (or no input) is a full pass; otherwise the event is the options object. */
    static Compactor.Options options(Map<String, Object> event) {
        if (event == null || event.isEmpty() || isScheduledEvent(event)) {
            return Compactor.Options.all();
        }
        for (String key : event.keySet()) {
            if (!OPTIONS.contains(key)) {
                throw new IllegalArgumentException("unknown option '" + key + "': expected some of " + OPTIONS);
            }
        }
        Object topic = event.get("topic");
        if (topic != null && !(topic instanceof String)) {
            throw new IllegalArgumentException("'topic' must be a string, not " + topic);
        }
        String only = topic == null || ((String) topic).isBlank() ? null : ((String) topic).trim();
        return new Compactor.Options(
                flag(event, "dry_run", false),
                flag(event, "gc", true),
                flag(event, "repair", true),
                only,
                flag(event, "scrub", false));
    }

    /** EventBridge events carry {@code source} and {@code detail-type} (a schedule's: "Scheduled Event"). */
    private static boolean isScheduledEvent(Map<String, Object> event) {
        return event.containsKey("detail-type") || "aws.events".equals(event.get("source"));
    }

    private static boolean flag(Map<String, Object> event, String name, boolean fallback) {
        Object v = event.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("'" + name + "' must be true or false, not " + v);
    }
}
