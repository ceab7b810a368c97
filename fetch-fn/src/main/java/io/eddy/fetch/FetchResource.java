package io.eddy.fetch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.format.BatchFrames;
import io.eddy.core.model.OffsetSpec;
import io.eddy.core.model.Record;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.Params;
import io.eddy.runtime.auth.Requires;
import io.eddy.runtime.json.JsonRecords;
import io.eddy.runtime.metrics.Api;
import io.eddy.runtime.metrics.EddyMeters;
import io.eddy.runtime.metrics.Metered;
import io.eddy.runtime.metrics.RequestKind;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Reads: {@code GET /v1/topics/{topic}/partitions/{p}/records} as JSON, as stored Kafka batches
 * ({@code Accept: application/vnd.eddy.batches}) or as a stream of server-sent events
 * ({@code Accept: text/event-stream}, server only; the stream is opened on a worker thread, which checks the topic first), and {@code …/offsets}.
 */
@Path("/v1/topics/{topic}/partitions/{partition}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "fetch")
public class FetchResource {
    public static final String NEXT_OFFSET = "Eddy-Next-Offset";
    public static final String HIGH_WATERMARK = "Eddy-High-Watermark";
    public static final String LOG_START_OFFSET = "Eddy-Log-Start-Offset";

    private final FetchService fetch;
    private final JsonRecords json;
    private final EddyConfig config;
    private final EddyMeters meters;

    public FetchResource(FetchService fetch, JsonRecords json, EddyConfig config, EddyMeters meters) {
        this.fetch = fetch;
        this.json = json;
        this.config = config;
        this.meters = meters;
    }

    @Requires(operation = Operation.CONSUME, resource = ResourceType.TOPIC, param = "topic")
    @Metered(RequestKind.FETCH)
    @GET
    @Path("/records")
    @Produces(MediaType.APPLICATION_JSON)
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Read records: as JSON, as the stored Kafka batches (Accept: application/vnd.eddy.batches) or as "
                    + "server-sent events (Accept: text/event-stream, server only)")
    @Parameter(
            name = "offset",
            in = ParameterIn.QUERY,
            description = "the first offset to read (default 0)",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
    @Parameter(
            name = "max_records",
            in = ParameterIn.QUERY,
            description = "default 500",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "10000"))
    @Parameter(
            name = "max_bytes",
            in = ParameterIn.QUERY,
            description = "default 1 MiB",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "8388608"))
    @Parameter(
            name = "wait_ms",
            in = ParameterIn.QUERY,
            description = "long-poll at the end of the log for up to this long (default 0)",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "20000"))
    @Parameter(
            name = "encoding",
            in = ParameterIn.QUERY,
            description = "base64: every key, value and header as *_b64",
            schema = @Schema(enumeration = {"json", "base64"}))
    @APIResponse(
            responseCode = "200",
            description = "the records from the offset on; with Accept: application/vnd.eddy.batches the offsets are "
                    + "in the Eddy-Next-Offset, Eddy-High-Watermark and Eddy-Log-Start-Offset headers",
            content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "FetchResponse")),
                @Content(mediaType = BatchFrames.MEDIA_TYPE, schema = @Schema(ref = "Batches")),
                @Content(
                        mediaType = MediaType.SERVER_SENT_EVENTS,
                        schema =
                                @Schema(
                                        type = SchemaType.STRING,
                                        description = "event: record, id: the next offset, "
                                                + "data: a record as in FetchResponse; Last-Event-ID resumes"))
            })
    @APIResponse(responseCode = "404", ref = "Problem404")
    @APIResponse(responseCode = "416", ref = "Problem416")
    @Parameter(
            name = "Last-Event-ID",
            in = ParameterIn.HEADER,
            description = "text/event-stream: resume after this event (the next offset to read); wins over offset",
            schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
    public Uni<ObjectNode> records(
            @PathParam("topic") String topic,
            @PathParam("partition") String partition,
            @QueryParam("offset") String offset,
            @QueryParam("max_records") String maxRecords,
            @QueryParam("max_bytes") String maxBytes,
            @QueryParam("wait_ms") String waitMs,
            @QueryParam("encoding") String encoding) {
        boolean base64 = encoding("encoding", encoding);
        return fetch.fetch(request(
                        topic,
                        partition,
                        offset,
                        Params.longValue(
                                "max_records",
                                maxRecords,
                                1,
                                FetchRequest.MAX_MAX_RECORDS,
                                FetchRequest.DEFAULT_MAX_RECORDS),
                        maxBytes,
                        waitMs))
                .invoke(r -> meters.fetched(Api.HTTP, topic, r.records().size(), r.bytes()))
                .map(r -> json.fetched(r, base64));
    }

    /** The stored batches, base offsets patched, framed as binary produce frames (docs/protocol.md). */
    @Requires(operation = Operation.CONSUME, resource = ResourceType.TOPIC, param = "topic")
    @Metered(RequestKind.FETCH)
    @GET
    @Path("/records")
    @Produces(BatchFrames.MEDIA_TYPE)
    @org.eclipse.microprofile.openapi.annotations.Operation(
            hidden = true) // documented with records(): one operation, three media types
    public Uni<Response> batches(
            @PathParam("topic") String topic,
            @PathParam("partition") String partition,
            @QueryParam("offset") String offset,
            @QueryParam("max_records") String maxRecords,
            @QueryParam("max_bytes") String maxBytes,
            @QueryParam("wait_ms") String waitMs) {
        // batches are never decoded: only bytes bound a binary fetch, unless the client caps its records
        long records = Params.longValue("max_records", maxRecords, 1, Integer.MAX_VALUE, Integer.MAX_VALUE);
        FetchRequest request = request(topic, partition, offset, records, maxBytes, waitMs);
        return fetch.fetchBatches(request).map(r -> {
            meters.fetched(Api.HTTP, topic, r.nextOffset() - request.offset(), r.bytes());
            return Response.ok(BatchFramesBody.of(request.partition(), r.batches()), BatchFrames.MEDIA_TYPE)
                    .header(NEXT_OFFSET, r.nextOffset())
                    .header(HIGH_WATERMARK, r.highWatermark())
                    .header(LOG_START_OFFSET, r.logStartOffset())
                    .build();
        });
    }

    /**
     * Records as they are committed, one event each: {@code id} the next offset to read, {@code event: record},
     * {@code data} the record as JSON. {@code Last-Event-ID} (a reconnecting browser sends it) resumes from that
     * offset and wins over {@code offset}. After {@code eddy.fetch.sse-heartbeat} without records a comment line
     * keeps proxies from closing the stream. Server mode only: a function cannot hold a stream open.
     */
    @Requires(operation = Operation.CONSUME, resource = ResourceType.TOPIC, param = "topic")
    @GET
    @Path("/records")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking // checks the topic before the stream starts: an error once streaming cannot be a problem+json
    @org.eclipse.microprofile.openapi.annotations.Operation(hidden = true) // documented with records()
    public Multi<OutboundSseEvent> stream(
            @PathParam("topic") String topic,
            @PathParam("partition") String partition,
            @QueryParam("offset") String offset,
            @QueryParam("encoding") String encoding,
            @HeaderParam("Last-Event-ID") String lastEventId,
            @Context Sse sse) {
        if (!config.produce().serverMode()) {
            throw new EddyException(
                    ErrorCode.STREAMING_UNAVAILABLE,
                    "streaming reads (text/event-stream) are served by "
                            + "the Eddy server only; poll with wait_ms instead");
        }
        boolean base64 = encoding("encoding", encoding);
        int p = Params.partition(partition);
        long start = lastEventId != null && !lastEventId.isBlank()
                ? Params.longValue("Last-Event-ID", lastEventId, 0, Long.MAX_VALUE)
                : Params.longValue("offset", offset, 0, Long.MAX_VALUE, 0);
        fetch.offsetAt(topic, p, new OffsetSpec.Latest()).await().atMost(Duration.ofSeconds(30));
        Duration heartbeat = config.fetch().sseHeartbeat().compareTo(FetchRequest.MAX_WAIT) > 0
                ? FetchRequest.MAX_WAIT
                : config.fetch().sseHeartbeat();
        return Multi.createBy()
                .repeating()
                .uni(
                        () -> new AtomicLong(start),
                        next -> fetch.fetch(new FetchRequest(
                                        topic,
                                        p,
                                        next.get(),
                                        FetchRequest.DEFAULT_MAX_RECORDS,
                                        FetchRequest.DEFAULT_MAX_BYTES,
                                        heartbeat))
                                .invoke(r -> next.set(r.nextOffset())))
                .indefinitely()
                .onItem()
                .transformToMultiAndConcatenate(r -> {
                    if (r.records().isEmpty()) {
                        return Multi.createFrom()
                                .item(sse.newEventBuilder().comment("heartbeat").build());
                    }
                    List<OutboundSseEvent> events = new ArrayList<>(r.records().size());
                    for (Record record : r.records()) {
                        events.add(sse.newEventBuilder()
                                .name("record")
                                .id(Long.toString(record.offset() + 1))
                                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                                .data(json.record(record, base64).toString())
                                .build());
                    }
                    return Multi.createFrom().iterable(events);
                });
    }

    private static FetchRequest request(
            String topic, String partition, String offset, long maxRecords, String maxBytes, String waitMs) {
        return new FetchRequest(
                topic,
                Params.partition(partition),
                Params.longValue("offset", offset, 0, Long.MAX_VALUE, 0),
                (int) maxRecords,
                (int) Params.longValue(
                        "max_bytes", maxBytes, 1, FetchRequest.MAX_MAX_BYTES, FetchRequest.DEFAULT_MAX_BYTES),
                Duration.ofMillis(Params.longValue("wait_ms", waitMs, 0, FetchRequest.MAX_WAIT.toMillis(), 0)));
    }

    @Requires(operation = Operation.CONSUME, resource = ResourceType.TOPIC, param = "topic")
    @GET
    @Path("/offsets")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "The offset at the start, at the end, or of the first record at or after a time")
    @Parameter(
            name = "at",
            in = ParameterIn.QUERY,
            description = "earliest, latest (default) or a timestamp in epoch milliseconds",
            schema = @Schema(type = SchemaType.STRING, pattern = "^(earliest|latest|[0-9]+)$"))
    @APIResponse(
            responseCode = "200",
            description = "the offset",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Offset")))
    @APIResponse(responseCode = "404", ref = "Problem404")
    public Uni<ObjectNode> offsets(
            @PathParam("topic") String topic, @PathParam("partition") String partition, @QueryParam("at") String at) {
        OffsetSpec spec;
        if (at == null || at.isEmpty() || at.equals("latest")) {
            spec = new OffsetSpec.Latest();
        } else if (at.equals("earliest")) {
            spec = new OffsetSpec.Earliest();
        } else {
            try {
                spec = new OffsetSpec.AtTimestamp(Params.longValue("at", at, 0, Long.MAX_VALUE));
            } catch (EddyException e) {
                throw new EddyException(
                        ErrorCode.INVALID_PARAMETER,
                        "'at' must be earliest, latest or a timestamp in epoch milliseconds, not '" + at + "'",
                        Map.of("parameter", "at"));
            }
        }
        return fetch.offsetAt(topic, Params.partition(partition), spec)
                .map(o -> JsonNodeFactory.instance.objectNode().put("offset", o));
    }

    private static boolean encoding(String name, String raw) {
        if (raw == null || raw.isEmpty() || raw.equals("json")) {
            return false;
        }
        if (raw.equals("base64")) {
            return true;
        }
        throw new EddyException(
                ErrorCode.INVALID_PARAMETER,
                "'" + name + "' must be json or base64, not '" + raw + "'",
                Map.of("parameter", name));
    }
}
