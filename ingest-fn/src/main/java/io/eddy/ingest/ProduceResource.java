package io.eddy.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.BatchCompression;
import io.eddy.core.format.BatchFrames;
import io.eddy.core.format.ValidatedBatch;
import io.eddy.core.produce.Acks;
import io.eddy.core.produce.ProduceService;
import io.eddy.core.topic.TopicService;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.Params;
import io.eddy.runtime.RequestLimits;
import io.eddy.runtime.auth.Requires;
import io.eddy.runtime.json.JsonRecords;
import io.eddy.runtime.metrics.Api;
import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.Metered;
import io.eddy.runtime.metrics.RequestKind;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.compress.Compression;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Produce: {@code POST /v1/topics/{topic}/records} and {@code …/partitions/{p}/records}, as JSON records or as
 * binary Kafka batches ({@code application/vnd.eddy.batches}, see docs/protocol.md), with {@code acks},
 * {@code atomic}, {@code compression} (JSON) and an optional {@code Idempotency-Key}.
 */
@Path("/v1/topics/{topic}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "produce")
public class ProduceResource {
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final ProduceService produce;
    private final TopicService topics;
    private final JsonRecords json;
    private final RequestLimits limits;
    private final IdempotentRequests idempotent;
    private final BatchValidation validation;
    private final boolean serverMode;
    private final EddyMeters meters;

    public ProduceResource(
            ProduceService produce,
            TopicService topics,
            JsonRecords json,
            RequestLimits limits,
            IdempotentRequests idempotent,
            BatchValidation validation,
            EddyConfig config,
            EddyMeters meters) {
        this.produce = produce;
        this.topics = topics;
        this.json = json;
        this.limits = limits;
        this.idempotent = idempotent;
        this.validation = validation;
        this.serverMode = config.produce().serverMode();
        this.meters = meters;
    }

    @Requires(operation = Operation.PRODUCE, resource = ResourceType.TOPIC, param = "topic")
    @Metered(RequestKind.PRODUCE)
    @POST
    @Path("/records")
    @Consumes(MediaType.APPLICATION_JSON)
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Produce records: partition explicit, else by key (Kafka's murmur2), else round-robin; or "
                    + "binary Kafka batches as application/vnd.eddy.batches (docs/protocol.md)")
    @Parameter(
            name = "acks",
            in = ParameterIn.QUERY,
            description = "1 (default): after the primary bucket and the commit; all: after every replica bucket; "
                    + "0 (server only): 202 once queued",
            schema = @Schema(enumeration = {"0", "1", "all"}))
    @Parameter(
            name = "atomic",
            in = ParameterIn.QUERY,
            description = "all-or-nothing across the request's partitions (at most 32)",
            schema = @Schema(type = SchemaType.BOOLEAN))
    @Parameter(
            name = "Idempotency-Key",
            in = ParameterIn.HEADER,
            description = "a retry with the same key and body gets the first response again")
    @Parameter(
            name = "compression",
            in = ParameterIn.QUERY,
            description = "how the stored batches are compressed",
            schema = @Schema(enumeration = {"none", "gzip", "snappy", "lz4", "zstd"}))
    @RequestBody(
            required = true,
            content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ProduceRequest")),
                @Content(mediaType = BatchFrames.MEDIA_TYPE, schema = @Schema(ref = "Batches"))
            })
    @APIResponse(
            responseCode = "200",
            description = "JSON: the offsets, one per record in request order; batches: each batch's offsets",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ProduceResult")))
    @APIResponse(responseCode = "202", description = "acks=0: queued (server only)")
    @APIResponse(responseCode = "404", ref = "Problem404")
    @APIResponse(responseCode = "409", ref = "Problem409")
    @APIResponse(responseCode = "422", ref = "Problem422")
    @APIResponse(responseCode = "429", ref = "Problem429")
    public Uni<Response> produce(
            @PathParam("topic") String topic,
            @QueryParam("atomic") String atomic,
            @QueryParam("acks") String acks,
            @QueryParam("compression") String compression,
            @HeaderParam(IDEMPOTENCY_KEY) String key,
            @Context UriInfo uri,
            byte[] body) {
        return produceJson(topic, -1, atomic, acks, compression, key, uri, body);
    }

    @Requires(operation = Operation.PRODUCE, resource = ResourceType.TOPIC, param = "topic")
    @Metered(RequestKind.PRODUCE)
    @POST
    @Path("/partitions/{partition}/records")
    @Consumes(MediaType.APPLICATION_JSON)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Produce records to one partition")
    @Parameter(
            name = "acks",
            in = ParameterIn.QUERY,
            description = "1 (default): after the primary bucket and the commit; all: after every replica bucket; "
                    + "0 (server only): 202 once queued",
            schema = @Schema(enumeration = {"0", "1", "all"}))
    @Parameter(
            name = "atomic",
            in = ParameterIn.QUERY,
            description = "all-or-nothing across the request's partitions (at most 32)",
            schema = @Schema(type = SchemaType.BOOLEAN))
    @Parameter(
            name = "Idempotency-Key",
            in = ParameterIn.HEADER,
            description = "a retry with the same key and body gets the first response again")
    @Parameter(
            name = "compression",
            in = ParameterIn.QUERY,
            description = "how the stored batches are compressed",
            schema = @Schema(enumeration = {"none", "gzip", "snappy", "lz4", "zstd"}))
    @RequestBody(
            required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ProduceRequest")))
    @APIResponse(
            responseCode = "200",
            description = "the offsets, one per record in request order",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ProduceResponse")))
    @APIResponse(responseCode = "202", description = "acks=0: queued (server only)")
    @APIResponse(responseCode = "404", ref = "Problem404")
    @APIResponse(responseCode = "409", ref = "Problem409")
    @APIResponse(responseCode = "422", ref = "Problem422")
    @APIResponse(responseCode = "429", ref = "Problem429")
    public Uni<Response> produceToPartition(
            @PathParam("topic") String topic,
            @PathParam("partition") String partition,
            @QueryParam("atomic") String atomic,
            @QueryParam("acks") String acks,
            @QueryParam("compression") String compression,
            @HeaderParam(IDEMPOTENCY_KEY) String key,
            @Context UriInfo uri,
            byte[] body) {
        return produceJson(topic, Params.partition(partition), atomic, acks, compression, key, uri, body);
    }

    @Requires(operation = Operation.PRODUCE, resource = ResourceType.TOPIC, param = "topic")
    @Metered(RequestKind.PRODUCE)
    @POST
    @Path("/records")
    @Consumes(BatchFrames.MEDIA_TYPE)
    @org.eclipse.microprofile.openapi.annotations.Operation(hidden = true) // documented with produce()
    public Uni<Response> produceBatches(
            @PathParam("topic") String topic,
            @QueryParam("atomic") String atomic,
            @QueryParam("acks") String acks,
            @HeaderParam(IDEMPOTENCY_KEY) String key,
            @Context UriInfo uri,
            byte[] body) {
        limits.check(body);
        Acks ack = acks(acks);
        boolean all = Params.flag("atomic", atomic);
        return idempotent.run(
                key,
                target(uri, BatchFrames.MEDIA_TYPE),
                body,
                () -> topics.require(topic)
                        .flatMap(t -> validation.validate(body, t.config().maxMessageBytes()))
                        .flatMap(batches -> respond(
                                ack,
                                () -> produce.produceBatches(topic, batches, ack, all)
                                        .invoke(() -> meters.produced(
                                                Api.HTTP,
                                                topic,
                                                batches.stream()
                                                        .mapToLong(ValidatedBatch::records)
                                                        .sum(),
                                                batches.stream()
                                                        .mapToLong(ValidatedBatch::sizeInBytes)
                                                        .sum()))
                                        .map(json::batchOffsets))));
    }

    private Uni<Response> produceJson(
            String topic,
            int partition,
            String atomic,
            String acks,
            String compression,
            String key,
            UriInfo uri,
            byte[] body) {
        limits.check(body);
        Acks ack = acks(acks);
        Compression codec = compression == null
                ? Compression.NONE
                : BatchCompression.fromWire(compression).compression();
        var request = json.parseProduce(body, partition, Params.flag("atomic", atomic), ack, codec);
        return idempotent.run(
                key,
                target(uri, MediaType.APPLICATION_JSON),
                body,
                () -> respond(
                        ack,
                        () -> produce.produce(topic, request)
                                .invoke(() -> meters.produced(
                                        Api.HTTP,
                                        topic,
                                        request.records().size(),
                                        request.records().stream()
                                                .mapToLong(e -> e.record().sizeInBytes())
                                                .sum()))
                                .map(json::offsets)));
    }

    private Acks acks(String raw) {
        Acks ack = Acks.fromWire(raw);
        if (ack == Acks.NONE && !serverMode) {
            throw new EddyException(
                    ErrorCode.INVALID_PARAMETER,
                    "acks=0 needs server mode (an instance that keeps an "
                            + "open segment); a function acknowledges only what it stored: use acks=1 or all",
                    Map.of("parameter", "acks", "value", raw));
        }
        return ack;
    }

    /**
     * 200 with the offsets; for acks=0, 202 as soon as the request is in the open segment (and 429 {@code throttled}
     * at once when the segment's queue is full: a request is never accepted and then dropped).
     */
    private static Uni<Response> respond(Acks acks, Supplier<Uni<ObjectNode>> produce) {
        if (acks == Acks.NONE) {
            return produce.get().map(ignored -> Response.accepted().build());
        }
        return produce.get()
                .map(body -> Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build());
    }

    /** What a request does, for its Idempotency-Key fingerprint: method, path, sorted query, content type. */
    private static String target(UriInfo uri, String contentType) {
        return "POST " + uri.getPath() + "?" + new TreeMap<>(uri.getQueryParameters()) + " " + contentType;
    }
}
