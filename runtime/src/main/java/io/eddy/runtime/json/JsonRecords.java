package io.eddy.runtime.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchResult;
import io.eddy.core.model.Header;
import io.eddy.core.model.Record;
import io.eddy.core.produce.Acks;
import io.eddy.core.produce.BatchOffsets;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.core.produce.ProducerFields;
import io.eddy.core.produce.RecordOffset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.compress.Compression;

/**
 * The JSON shapes of records, both ways. Bytes, not JSON types, are what the log stores: on produce a JSON
 * string becomes its UTF-8 bytes, any other value its compact JSON text, {@code null} a null, and
 * {@code *_b64} exact bytes; on read, bytes holding a JSON object or array come back as JSON, other valid
 * UTF-8 as a string, anything else as {@code *_b64}. Thread-safe.
 */
public final class JsonRecords {
    private static final Set<String> RECORD_FIELDS =
            Set.of("key", "key_b64", "value", "value_b64", "headers", "partition", "timestamp");
    private static final Set<String> HEADER_FIELDS = Set.of("name", "value", "value_b64");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper mapper;
    private final ObjectReader strict;

    public JsonRecords(ObjectMapper mapper) {
        this.mapper = mapper;
        this.strict = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Parses a produce body; {@code pathPartition} is the partition named in the URL, or -1. */
    public ProduceRequest parseProduce(byte[] body, int pathPartition, boolean atomic) {
        return parseProduce(body, pathPartition, atomic, Acks.LEADER, Compression.NONE);
    }

    /**
     * Parses a produce body; {@code pathPartition} is the partition named in the URL, or -1. An idempotent
     * producer adds {@code producer_id}, {@code producer_epoch} and {@code base_sequences} (partition → the
     * sequence of the request's first record there).
     */
    public ProduceRequest parseProduce(
            byte[] body, int pathPartition, boolean atomic, Acks acks, Compression compression) {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw invalid("the body must be a JSON object with a 'records' array");
        }
        rejectUnknownFields(root, Set.of("records", "producer_id", "producer_epoch", "base_sequences"), "the body");
        JsonNode records = root.get("records");
        if (records == null || !records.isArray()) {
            throw invalid("'records' must be an array of records");
        }
        if (records.isEmpty()) {
            throw new EddyException(ErrorCode.NO_RECORDS, "'records' is empty: send at least one record");
        }
        List<ProduceRequest.Entry> entries = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            entries.add(parseRecord(records.get(i), "records[" + i + "]", pathPartition));
        }
        return new ProduceRequest(entries, atomic, acks, compression, producer(root));
    }

    private static ProducerFields producer(JsonNode root) {
        JsonNode id = root.get("producer_id");
        JsonNode epoch = root.get("producer_epoch");
        JsonNode sequences = root.get("base_sequences");
        if (id == null && epoch == null && sequences == null) {
            return null;
        }
        if (id == null || epoch == null || sequences == null) {
            throw new EddyException(
                    ErrorCode.INVALID_PRODUCER,
                    "an idempotent produce sends producer_id, producer_epoch and base_sequences together");
        }
        if (!id.canConvertToLong() || !id.isIntegralNumber() || id.asLong() < 0) {
            throw new EddyException(
                    ErrorCode.INVALID_PRODUCER, "producer_id must be a producer id from POST /v1/producers");
        }
        if (!epoch.isIntegralNumber() || epoch.asLong() < 0 || epoch.asLong() > Short.MAX_VALUE) {
            throw new EddyException(ErrorCode.INVALID_PRODUCER, "producer_epoch must be 0 to " + Short.MAX_VALUE);
        }
        if (!sequences.isObject() || sequences.isEmpty()) {
            throw new EddyException(
                    ErrorCode.INVALID_PRODUCER,
                    "base_sequences must be an object of partition → first sequence, e.g. {\"3\": 0}");
        }
        Map<Integer, Integer> bases = new java.util.HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = sequences.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int partition;
            try {
                partition = Integer.parseInt(e.getKey());
            } catch (NumberFormatException nfe) {
                partition = -1;
            }
            JsonNode seq = e.getValue();
            if (partition < 0 || !seq.isIntegralNumber() || seq.asLong() < 0 || seq.asLong() > Integer.MAX_VALUE) {
                throw new EddyException(
                        ErrorCode.INVALID_PRODUCER,
                        "base_sequences maps partition numbers to " + "sequences 0 to " + Integer.MAX_VALUE + "; '"
                                + e.getKey() + "' is not one",
                        Map.of("partition", e.getKey()));
            }
            bases.put(partition, seq.asInt());
        }
        return new ProducerFields(id.asLong(), (short) epoch.asInt(), bases);
    }

    /** Strict shapes: a misspelt field ({@code vlaue}) is an error, never a silently missing value. */
    public static void rejectUnknownFields(JsonNode object, Set<String> known, String where) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw invalid(where + " has unknown field '" + f + "'; known fields: "
                        + known.stream().sorted().toList());
            }
        }
    }

    /** Parses any JSON body, mapping syntax errors to {@code malformed_json}. */
    public JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new EddyException(ErrorCode.MALFORMED_JSON, "the request has no body; send a JSON object");
        }
        try {
            JsonNode node = strict.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new EddyException(ErrorCode.MALFORMED_JSON, "the request has no JSON body");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new EddyException(ErrorCode.MALFORMED_JSON, "the body is not valid JSON: " + reason(e));
        } catch (IOException e) {
            throw new EddyException(ErrorCode.MALFORMED_JSON, "the body could not be read as JSON");
        }
    }

    /**
     * Why a body is not JSON, for a client: the parser's own words, but not the mapper's, which name Jackson's
     * classes and settings (trailing content after the value), nor the limit's getter a constraint names.
     */
    public static String reason(JsonProcessingException e) {
        if (e instanceof MismatchedInputException) {
            return "more content after the JSON value";
        }
        return e.getOriginalMessage().replaceAll(",? ?from `[^`]*`", "");
    }

    private ProduceRequest.Entry parseRecord(JsonNode r, String where, int pathPartition) {
        if (!r.isObject()) {
            throw invalid(where + " must be an object");
        }
        rejectUnknownFields(r, RECORD_FIELDS, where);
        byte[] key = bytes(r, "key", where);
        byte[] value = bytes(r, "value", where);
        List<Header> headers = new ArrayList<>();
        JsonNode hs = r.get("headers");
        if (hs != null && !hs.isNull()) {
            if (!hs.isArray()) {
                throw invalid(where + ".headers must be an array of {\"name\", \"value\"}");
            }
            for (int i = 0; i < hs.size(); i++) {
                JsonNode h = hs.get(i);
                String hw = where + ".headers[" + i + "]";
                if (!h.isObject() || !h.path("name").isTextual()) {
                    throw invalid(hw + " must be an object with a string 'name'");
                }
                rejectUnknownFields(h, HEADER_FIELDS, hw);
                headers.add(new Header(h.get("name").asText(), bytes(h, "value", hw)));
            }
        }
        int partition = -1;
        JsonNode p = r.get("partition");
        if (p != null && !p.isNull()) {
            if (!p.isIntegralNumber() || !p.canConvertToInt() || p.asInt() < 0) {
                throw invalid(where + ".partition must be a non-negative integer");
            }
            partition = p.asInt();
            if (pathPartition >= 0 && partition != pathPartition) {
                throw invalid(where + ".partition is " + partition + " but the URL names partition " + pathPartition);
            }
        }
        if (pathPartition >= 0) {
            partition = pathPartition;
        }
        long timestamp = -1;
        JsonNode ts = r.get("timestamp");
        if (ts != null && !ts.isNull()) {
            if (!ts.isIntegralNumber() || !ts.canConvertToLong() || ts.asLong() < 0) {
                throw invalid(where + ".timestamp must be a non-negative integer (epoch milliseconds)");
            }
            timestamp = ts.asLong();
        }
        return new ProduceRequest.Entry(partition, new Record(-1, timestamp, key, value, headers));
    }

    /** The bytes of field {@code name} or {@code name_b64}; null when absent or JSON null. */
    private byte[] bytes(JsonNode parent, String name, String where) {
        JsonNode plain = parent.get(name);
        JsonNode b64 = parent.get(name + "_b64");
        if (plain != null && b64 != null) {
            throw invalid(where + " has both '" + name + "' and '" + name + "_b64'; send one");
        }
        if (b64 != null) {
            if (b64.isNull()) {
                return null;
            }
            if (!b64.isTextual()) {
                throw new EddyException(ErrorCode.INVALID_BASE64, where + "." + name + "_b64 must be a base64 string");
            }
            try {
                return Base64.getDecoder().decode(b64.asText());
            } catch (IllegalArgumentException e) {
                throw new EddyException(ErrorCode.INVALID_BASE64, where + "." + name + "_b64 is not valid base64");
            }
        }
        if (plain == null || plain.isNull()) {
            return null;
        }
        if (plain.isTextual()) {
            return plain.asText().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return mapper.writeValueAsBytes(plain);
        } catch (JsonProcessingException e) {
            throw invalid(where + "." + name + " cannot be written as JSON");
        }
    }

    /** The binary produce response: the offsets each batch got, in request order. */
    public ObjectNode batchOffsets(List<BatchOffsets> offsets) {
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("batches");
        for (BatchOffsets o : offsets) {
            list.addObject()
                    .put("partition", o.partition())
                    .put("base_offset", o.baseOffset())
                    .put("last_offset", o.lastOffset());
        }
        return out;
    }

    public ObjectNode offsets(List<RecordOffset> offsets) {
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("offsets");
        for (RecordOffset o : offsets) {
            list.addObject()
                    .put("partition", o.partition())
                    .put("offset", o.offset())
                    .put("timestamp", o.timestamp());
        }
        return out;
    }

    public ObjectNode fetched(FetchResult result, boolean base64) {
        ObjectNode out = NODES.objectNode();
        ArrayNode list = out.putArray("records");
        for (Record r : result.records()) {
            list.add(record(r, base64));
        }
        out.put("next_offset", result.nextOffset());
        out.put("high_watermark", result.highWatermark());
        out.put("log_start_offset", result.logStartOffset());
        return out;
    }

    /** One record as fetches show it: offset, timestamp, key, value, headers. */
    public ObjectNode record(Record r, boolean base64) {
        ObjectNode o = NODES.objectNode();
        o.put("offset", r.offset());
        o.put("timestamp", r.timestamp());
        render(o, "key", r.key(), base64);
        render(o, "value", r.value(), base64);
        ArrayNode hs = o.putArray("headers");
        for (Header h : r.headers()) {
            ObjectNode ho = hs.addObject().put("name", h.name());
            render(ho, "value", h.value(), base64);
        }
        return o;
    }

    private void render(ObjectNode o, String name, byte[] bytes, boolean base64) {
        if (bytes == null) {
            o.putNull(base64 ? name + "_b64" : name);
            return;
        }
        if (!base64) {
            JsonNode json = asJsonContainer(bytes);
            if (json != null) {
                o.set(name, json);
                return;
            }
            String text = utf8(bytes);
            if (text != null) {
                o.put(name, text);
                return;
            }
        }
        o.put(name + "_b64", Base64.getEncoder().encodeToString(bytes));
    }

    private JsonNode asJsonContainer(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t')) {
            i++;
        }
        if (i == bytes.length || (bytes[i] != '{' && bytes[i] != '[')) {
            return null;
        }
        try {
            JsonNode node = strict.readTree(bytes);
            return node != null && node.isContainerNode() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static EddyException invalid(String message) {
        return new EddyException(ErrorCode.INVALID_REQUEST, message);
    }

    /** Topic config values as plain Java values for {@link io.eddy.core.model.TopicConfig#with(Map)}. */
    public Map<String, Object> configValues(JsonNode config) {
        if (config == null || config.isNull()) {
            return Map.of();
        }
        if (!config.isObject()) {
            throw new EddyException(ErrorCode.INVALID_CONFIG, "'config' must be an object of settings");
        }
        return mapper.convertValue(config, Map.class);
    }
}
