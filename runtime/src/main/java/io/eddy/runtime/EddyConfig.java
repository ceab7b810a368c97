package io.eddy.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Eddy's configuration, read at the function edge and handed to core as values. Every name and endpoint
 * comes from here (properties, or environment variables such as {@code EDDY_TABLE}), never from a literal.
 */
@ConfigMapping(prefix = "eddy")
public interface EddyConfig {

    /** The DynamoDB table holding topics, heads, the offset index and groups. */
    @WithDefault("eddy")
    String table();

    /** The bucket segment objects go to when a topic names no {@code replicas}. */
    @WithDefault("eddy-segments")
    String bucket();

    Storage storage();

    /**
     * How long a process reuses a topic it looked up (every produce and fetch looks its topic up). Another
     * process's delete is seen after at most this long.
     */
    @WithDefault("1s")
    Duration topicCacheTtl();

    Aws aws();

    Bootstrap bootstrap();

    Http http();

    Cache cache();

    Fetch fetch();

    Produce produce();

    Groups groups();

    Compactor compactor();

    Auth auth();

    /**
     * Access control (docs/architecture.md, "Access control"). Principals are configured by name:
     * <pre>
     * eddy.auth.mode=token
     * eddy.auth.principals.billing.token-sha256=&lt;SHA-256 of the token, 64 hex digits&gt;
     * eddy.auth.principals.billing.grants=consume:topic:orders-*,consume:group:billing
     * </pre>
     */
    interface Auth {
        /** {@code open} (everyone may do everything; a warning at start), {@code token} or {@code iam}. */
        @WithDefault("open")
        AuthMode mode();

        /** Principals by name; the name appears in logs and 403 details, so it is never a secret. */
        Map<String, PrincipalConfig> principals();
    }

    enum AuthMode {
        /** No credentials asked; every request may do everything. */
        OPEN,
        /** {@code Authorization: Bearer <token>}, matched against the principals' token hashes. */
        TOKEN,
        /** The caller's IAM principal ARN from the Lambda function URL's request context (the Lambda functions only). */
        IAM
    }

    interface PrincipalConfig {
        /** The SHA-256 of the principal's bearer token, as 64 hex digits ({@code ./eddy token new} prints one). */
        Optional<String> tokenSha256();

        /** An IAM principal ARN, or a prefix of ARNs ending in {@code *}, that this principal is. */
        Optional<String> iamArn();

        /** {@code <operation>:<resource type>:<name pattern>}, comma-separated; none = may do nothing. */
        Optional<List<String>> grants();
    }

    interface Storage {
        /**
         * The buckets this deployment may use, comma-separated: a topic's {@code replicas} may name only these (else
         * 400 {@code invalid_config}), and garbage collection and replica repair touch no other bucket. The primary
         * {@link #bucket()} is always one of them; absent = it alone. The infrastructure code sets it to the buckets
         * it creates ({@code EDDY_STORAGE_BUCKETS}).
         */
        Optional<List<String>> buckets();

        /**
         * How every call to S3 and DynamoDB is retried on top of the SDK's own retries, for failures marked
         * retryable (throttling, 5xx, timeouts): {@code eddy.storage.retry.*}.
         */
        Retry retry();
    }

    /** One {@link io.eddy.core.support.RetryPolicy}: attempts in all, a jittered exponential backoff. */
    interface Retry {
        /** Attempts in all, the first included (1: no retry of Eddy's own). */
        @WithDefault("5")
        int maxAttempts();

        /** The delay before the first retry; it doubles per retry up to {@link #maxBackoff()}. */
        @WithDefault("25ms")
        Duration baseBackoff();

        @WithDefault("1s")
        Duration maxBackoff();

        /** The share of each delay drawn at random, 0 to 1 (0.5: "equal jitter", 1: "full jitter"). */
        @WithDefault("0.5")
        double jitter();
    }

    interface Aws {
        @WithDefault("us-east-1")
        String region();

        /** DynamoDB endpoint override (DynamoDB Local, LocalStack); absent on AWS. */
        Optional<URI> dynamodbEndpoint();

        /** S3 endpoint override (the local S3 stand-in, LocalStack); absent on AWS. */
        Optional<URI> s3Endpoint();

        /** Static credentials for stand-ins; absent = the SDK's default credentials chain. */
        Optional<String> accessKey();

        Optional<String> secretKey();

        /**
         * How long one attempt of an S3 or DynamoDB call may take before the SDK abandons it and retries (its
         * {@code apiCallAttemptTimeout}); absent = the SDK's default (no attempt timeout: a connection that never
         * answers is only given up by the HTTP client's 30 s read timeout). A stalled stand-in or endpoint then
         * costs one attempt, not a hung produce.
         */
        Optional<Duration> apiCallAttemptTimeout();
    }

    interface Bootstrap {
        /** Create the table and bucket at start-up when missing: local stack and tests only. */
        @WithDefault("false")
        boolean createResources();
    }

    interface Http {
        /** Largest request body accepted, in bytes (413 {@code request_too_large} above it). */
        @WithDefault("8388608")
        int maxRequestBytes();
    }

    interface Cache {
        /** Bytes of segment blocks kept in memory. */
        @WithDefault("268435456")
        long maxBytes();

        /**
         * Bytes of the blocks loaded last, kept first in first out for the other readers of their objects whatever
         * {@code max-bytes} is: one GET of a segment's block serves every partition's reader of it (0: none).
         */
        @WithDefault("67108864")
        long recentBytes();

        /** The block size: reads are cached and fetched from S3 in blocks of this many bytes, aligned in their object. */
        @WithDefault("4194304")
        int blockBytes();

        /**
         * The disk tier's directory ({@code /tmp/eddy-cache} in a Lambda, {@code <data dir>/cache} for
         * {@code ./eddy dev}); absent = no disk tier.
         */
        Optional<Path> diskDir();

        /** Bytes of blocks the disk tier keeps. */
        @WithDefault("1073741824")
        long diskMaxBytes();

        /** Blocks past the last one a read needs that its GET loads too (read-ahead for sequential readers). */
        @WithDefault("1")
        int readAheadBlocks();

        /** Concurrent S3 GETs for tail reads. */
        @WithDefault("16")
        int tailGets();

        /** Concurrent S3 GETs for catch-up reads (their own pool: a consumer catching up cannot starve the tail). */
        @WithDefault("4")
        int catchUpGets();

        /** A read is a tail read when the bytes between it and the high watermark are estimated at most this. */
        @WithDefault("16777216")
        long tailBytes();

        /** Partitions whose known heads are cached. */
        @WithDefault("10000")
        long indexPartitions();

        /**
         * Index entries cached of one partition (the window each reader reads and the tail are kept): a partition
         * of up to this many entries is read again, by another group or a consumer starting over, with no index
         * query.
         */
        @WithDefault("4096")
        int indexEntriesPerPartition();

        /**
         * Index entries cached of all partitions together (a few hundred bytes each: the default takes ~64 MiB at
         * most); past it whole partitions' entries go, least recently used first.
         */
        @WithDefault("262144")
        long indexEntries();

        /** Put the chunks a produce just wrote into the cache (server mode: tail reads then make no GET). */
        @WithDefault("true")
        boolean populateOnWrite();
    }

    interface Fetch {
        /** How often a long-polling fetch re-reads the partition head for commits made by other processes. */
        @WithDefault("250ms")
        Duration headPollInterval();

        /** A streaming read ({@code text/event-stream}) sends a heartbeat comment after this long without records. */
        @WithDefault("15s")
        Duration sseHeartbeat();

        /**
         * The most bytes of records one {@code POST /v1/fetch} answers over all its partitions (Kafka's broker
         * {@code fetch.max.bytes}), and the default of its {@code max_bytes}: a larger {@code max_bytes} is a 400.
         */
        @WithDefault("52428800")
        long maxResponseBytes();
    }

    interface Produce {
        /**
         * Server mode: concurrent requests share one open segment (group commit) and partitions are written
         * under leader leases. Off in a function, where each request is its own flush and commits optimistically.
         */
        @WithDefault("false")
        boolean serverMode();

        /**
         * Group commit: how long an open segment waits for more requests (0 allowed); on a lane serving one request
         * at a time, counted from the lane's last cut, so a lone request goes at once.
         */
        @WithDefault("5ms")
        Duration linger();

        /** Group commit: an open segment is flushed once it holds this many bytes. */
        @WithDefault("8388608")
        long segmentMaxBytes();

        /**
         * Group commit: flushes of one lane in flight at once, pipelined (each decides and PUTs its segment while
         * the ones ahead commit; one partition's commits still land in order). 1: one at a time.
         */
        @WithDefault("4")
        int flushesInFlight();

        /**
         * Group commit: bytes of requests one lane (the requests sharing replica buckets and acks) may hold, queued
         * or being flushed; past it a produce is refused with 429 {@code throttled}, acks=0 included.
         */
        @WithDefault("67108864")
        long laneMaxBytes();

        /** Group commit: bytes of requests all lanes may hold together (429 {@code throttled} past it). */
        @WithDefault("268435456")
        long queueMaxBytes();

        /** Server mode: how long a leader lease lasts without a commit renewing it. */
        @WithDefault("10s")
        Duration leaseDuration();

        /** An idempotent producer's state on a partition is forgotten after this idle time. */
        @WithDefault("7d")
        Duration producerExpiry();

        /** How long an Idempotency-Key's response is replayed. */
        @WithDefault("24h")
        Duration idempotencyKeyTtl();

        /** A binary produce: the most one compressed batch may inflate to while it is validated (else 413). */
        @WithDefault("67108864")
        long maxInflatedBatchBytes();

        /** A binary produce: the most all compressed batches of one request may inflate to (else 413). */
        @WithDefault("268435456")
        long maxInflatedRequestBytes();

        /**
         * Threads that validate binary produces (decompressing their batches), off the event loop; at most this
         * many validations run at once, the others wait their turn. Default: the number of processors.
         */
        Optional<Integer> validationThreads();
    }

    interface Groups {
        /** How often members are told to heartbeat. */
        @WithDefault("5s")
        Duration heartbeatInterval();

        /** A member's session when it asks for none (Kafka's session.timeout.ms default). */
        @WithDefault("45s")
        Duration defaultSessionTimeout();

        /** How long a member may take to revoke partitions when it asks for no limit (Kafka's max.poll.interval.ms). */
        @WithDefault("5m")
        Duration defaultRebalanceTimeout();

        /** The shortest session a member may ask for. */
        @WithDefault("6s")
        Duration minSessionTimeout();

        /** The longest session a member may ask for. */
        @WithDefault("30m")
        Duration maxSessionTimeout();
    }

    interface Compactor {
        /** Run compaction passes on a schedule in this process (the server; on AWS a scheduled function does). */
        @WithDefault("false")
        boolean scheduled();

        /** How often a scheduled pass starts (a pass still running is not started again). */
        @WithDefault("5m")
        Duration interval();

        /** Size-tiered merging: objects below this are tier 0. */
        @WithDefault("65536")
        long tierBaseBytes();

        /** Units of one tier that merge into one of the next. */
        @WithDefault("8")
        int fanout();

        /** Merged objects stay below this size. */
        @WithDefault("536870912")
        long maxObjectBytes();

        /** Key compaction starts once this share of a compacted partition's cleanable bytes is new. */
        @WithDefault("0.5")
        double minCleanableDirtyRatio();

        /** How long an object a compaction replaced stays readable (longer than the index cache's 2 minutes). */
        @WithDefault("10m")
        Duration replacedGrace();

        /** How old an unreferenced object must be to be deleted as an orphan of a crashed writer. */
        @WithDefault("1h")
        Duration orphanGrace();

        /** Job lease length: a job running longer stops and commits nothing more. */
        @WithDefault("5m")
        Duration leaseDuration();
    }
}
