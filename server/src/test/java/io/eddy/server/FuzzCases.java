package io.eddy.server;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.eddy.core.format.BatchFrames;
import io.eddy.core.format.RecordBatches;
import io.eddy.core.model.Record;
import io.eddy.testkit.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.apache.kafka.common.compress.Compression;

/**
 * The fuzzers' generators: jqwik arbitraries of HTTP requests that are wrong in one way or a few — a mutated JSON
 * body, a mutated binary batch, an odd path segment or query value, an odd header, a body over the limit. Pure:
 * they build requests and send nothing, so a seed gives the same cases on every run.
 */
final class FuzzCases {
    private FuzzCases() {}

    /** One HTTP request: the path and query as sent (already percent-encoded), headers as name, value pairs. */
    record Case(String method, String path, List<String> headers, byte[] body, boolean chunked, String mutation) {
        String header(String name) {
            for (int i = 0; i < headers.size(); i += 2) {
                if (headers.get(i).equalsIgnoreCase(name)) {
                    return headers.get(i + 1);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return method + " " + abbreviate(path, 400) + " "
                    + headers.stream().map(h -> abbreviate(h, 120)).toList()
                    + (chunked ? " chunked" : "") + " [" + mutation + "] body(" + body.length + " bytes): "
                    + preview(body);
        }
    }

    /** A request that is right: the starting point of the JSON mutations. */
    record Template(String method, String path, String json) {}

    // ---- values ----

    private static final String[] ODD_NUMBERS = {
        "-1",
        "0",
        "-0",
        "-0.0",
        "0.5",
        "1e2",
        "1e309",
        "-1e309",
        "2147483647",
        "2147483648",
        "-2147483649",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "1" + "0".repeat(400),
        "1".repeat(1200),
        "01",
        "NaN",
        "Infinity",
        "-Infinity",
        "0x10",
        "+1",
        ".5",
        "1."
    };

    /** JSON texts of odd values: wrong types, huge and negative numbers, odd strings, deep nesting. */
    static Arbitrary<String> oddJsonValues() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(ODD_NUMBERS)),
                // negative, and huge: positive values from 1 to 20000 are left out, as a wait_ms in that range
                // would hold a fetch for up to 20 s (valid, and slow)
                Tuple.of(2, Arbitraries.longs().between(Long.MIN_VALUE, -1).map(Object::toString)),
                Tuple.of(1, Arbitraries.longs().greaterOrEqual(20_001).map(Object::toString)),
                Tuple.of(
                        3,
                        Arbitraries.of(
                                "null",
                                "true",
                                "false",
                                "[]",
                                "{}",
                                "[[[[[]]]]]",
                                "{\"a\": {\"b\": []}}",
                                "[1, \"x\", null]",
                                "[".repeat(1500) + "]".repeat(1500),
                                "{\"\": 1}")),
                Tuple.of(4, oddStrings().map(FuzzCases::jsonString)));
    }

    /** Strings no one would send on purpose: controls, lone surrogates, bidi overrides, separators, very long. */
    static Arbitrary<String> oddStrings() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        4,
                        Arbitraries.of(
                                "",
                                " ",
                                "\u0000",
                                "\ud800",
                                "\udc00",
                                "a\ud800b",
                                "\udbff\udfff",
                                "\u202eevil\u202c",
                                "\u200b",
                                "\ufeff",
                                "\uffff",
                                "😀",
                                "𝔈𝔡𝔡𝔶",
                                "e\u0301\u0301\u0301",
                                "../../etc/passwd",
                                "a/b",
                                "a\\b",
                                "%2e%2e",
                                "..",
                                ".",
                                "\r\n",
                                "nul\u0000in",
                                "earliest ",
                                "EARLIEST",
                                "range",
                                "x".repeat(70_000))),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(
                        1,
                        Arbitraries.strings()
                                .withCharRange('\u0000', '\u001f')
                                .ofMinLength(1)
                                .ofMaxLength(8)),
                Tuple.of(1, Arbitraries.integers().between(250, 40_000).map("é"::repeat)));
    }

    /** A JSON string literal of {@code s}; surrogates are escaped, so a lone one travels as {@code \ud800}. */
    static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    // ---- JSON bodies ----

    private static final String PLACEHOLDER = "\u0001odd\u0001";
    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xc0, (byte) 0x80},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xff},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xe2, (byte) 0x82},
        {0},
        {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}
    };

    /**
     * A template's body changed in its structure (one value replaced by an odd one, a member removed, an unknown
     * member added, or nothing) and then in its bytes (cut short, a character replaced, invalid UTF-8 inserted,
     * trailing garbage, or nothing).
     */
    static Arbitrary<Case> mutatedJson(List<Template> templates) {
        Arbitrary<Function<String, Tuple.Tuple2<String, String>>> treeEdit = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(json -> Tuple.of(json, "as is"))),
                Tuple.of(
                        6,
                        Combinators.combine(Arbitraries.integers().between(0, 1000), oddJsonValues())
                                .as((at, odd) -> json -> replaceValue(json, at, odd))),
                Tuple.of(1, Arbitraries.integers().between(0, 1000).map(at -> json -> removeMember(json, at))),
                Tuple.of(
                        1,
                        Combinators.combine(
                                        Arbitraries.integers().between(0, 1000),
                                        Arbitraries.of("x", "", "partitions", "records", "\u0000", "Records", "offset"),
                                        oddJsonValues())
                                .as((at, name, odd) -> json -> addMember(json, at, name, odd))));
        Arbitrary<Function<byte[], Tuple.Tuple2<byte[], String>>> byteEdit = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(b -> Tuple.of(b, ""))),
                Tuple.of(2, Arbitraries.doubles().between(0, 1).map(f -> b -> {
                    int at = (int) (b.length * f);
                    return Tuple.of(Arrays.copyOf(b, at), ", cut at " + at);
                })),
                Tuple.of(
                        2,
                        Combinators.combine(
                                        Arbitraries.doubles().between(0, 1),
                                        Arbitraries.of("{}[]\":,-.0123456789ae\\ ".toCharArray()))
                                .as((f, c) -> b -> {
                                    byte[] copy = b.clone();
                                    int at = Math.min((int) (b.length * f), b.length - 1);
                                    copy[at] = (byte) (char) c;
                                    return Tuple.of(copy, ", byte " + at + " := '" + c + "'");
                                })),
                Tuple.of(
                        1,
                        Combinators.combine(Arbitraries.doubles().between(0, 1), Arbitraries.of(BAD_UTF8))
                                .as((f, bad) -> b -> {
                                    int at = (int) (b.length * f);
                                    return Tuple.of(
                                            concat(Arrays.copyOf(b, at), bad, Arrays.copyOfRange(b, at, b.length)),
                                            ", bytes " + HexFormat.of().formatHex(bad) + " at " + at);
                                })),
                Tuple.of(
                        1,
                        Arbitraries.of("}", " {}", "\u0000", "garbage", "]]]]", "\n{\"x\": 1}")
                                .map(tail -> b -> Tuple.of(
                                        concat(b, tail.getBytes(StandardCharsets.UTF_8)),
                                        ", then " + jsonString(tail)))));
        return Combinators.combine(Arbitraries.of(templates), treeEdit, byteEdit)
                .as((t, tree, bytes) -> {
                    Tuple.Tuple2<String, String> edited = tree.apply(t.json());
                    Tuple.Tuple2<byte[], String> body =
                            bytes.apply(edited.get1().getBytes(StandardCharsets.UTF_8));
                    return new Case(
                            t.method(),
                            t.path(),
                            List.of("Content-Type", "application/json"),
                            body.get1(),
                            false,
                            edited.get2() + body.get2());
                });
    }

    private static Tuple.Tuple2<String, String> replaceValue(String json, int at, String odd) {
        JsonNode root = parse(json);
        List<JsonPointer> values = pointers(root);
        JsonPointer p = values.get(at % values.size());
        JsonNode parent = root.at(p.head());
        if (parent instanceof ObjectNode o) {
            o.set(p.last().getMatchingProperty(), TextNode.valueOf(PLACEHOLDER));
        } else {
            ((ArrayNode) parent).set(p.last().getMatchingIndex(), TextNode.valueOf(PLACEHOLDER));
        }
        return Tuple.of(root.toString().replace(jsonString(PLACEHOLDER), odd), p + " := " + abbreviate(odd, 80));
    }

    private static Tuple.Tuple2<String, String> removeMember(String json, int at) {
        JsonNode root = parse(json);
        List<JsonPointer> members = pointers(root).stream()
                .filter(p -> root.at(p.head()).isObject())
                .toList();
        JsonPointer p = members.get(at % members.size());
        ((ObjectNode) root.at(p.head())).remove(p.last().getMatchingProperty());
        return Tuple.of(root.toString(), "remove " + p);
    }

    private static Tuple.Tuple2<String, String> addMember(String json, int at, String name, String odd) {
        JsonNode root = parse(json);
        List<JsonPointer> objects = new ArrayList<>(List.of(JsonPointer.empty()));
        pointers(root).stream().filter(p -> root.at(p).isObject()).forEach(objects::add);
        JsonPointer p = objects.get(at % objects.size());
        ObjectNode o = (ObjectNode) root.at(p);
        // a member of the same name twice is a duplicate key, which a strict parser refuses
        String text = root.toString();
        String inner = o.toString();
        String added = inner.equals("{}")
                ? "{" + jsonString(name) + ": " + odd + "}"
                : "{" + jsonString(name) + ": " + odd + ", " + inner.substring(1);
        return Tuple.of(text.replace(inner, added), "add " + p + "/" + jsonString(name) + " := " + abbreviate(odd, 80));
    }

    /** Pointers to every value below the root, in document order. */
    private static List<JsonPointer> pointers(JsonNode root) {
        List<JsonPointer> out = new ArrayList<>();
        collect(root, JsonPointer.empty(), out);
        return out;
    }

    private static void collect(JsonNode node, JsonPointer at, List<JsonPointer> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonPointer child = at.appendProperty(e.getKey());
                out.add(child);
                collect(e.getValue(), child, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonPointer child = at.appendIndex(i);
                out.add(child);
                collect(node.get(i), child, out);
            }
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Http.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- binary batches ----

    /** A valid body of one or more frames: 1 to 5 records per batch, uncompressed or gzip, to partition 0 or 1. */
    static Arbitrary<byte[]> validFrames() {
        Arbitrary<byte[]> frame = Combinators.combine(
                        Arbitraries.integers().between(0, 1),
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.of(Compression.NONE, Compression.gzip().build()),
                        Arbitraries.strings().ofMaxLength(20))
                .as((partition, n, codec, value) -> {
                    List<Record> records = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        records.add(new Record(
                                i,
                                1764000000000L + i,
                                ("k" + i).getBytes(StandardCharsets.UTF_8),
                                (value + i).getBytes(StandardCharsets.UTF_8),
                                List.of()));
                    }
                    return bytes(BatchFrames.encode(
                            List.of(new BatchFrames.Frame(partition, RecordBatches.encode(records, 0, codec)))));
                });
        return frame.list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .map(frames -> frames.stream().reduce(new byte[0], FuzzCases::concat));
    }

    /** A field of the first batch set to a value, and its CRC made right again: bad inner structure, valid CRC. */
    private record FieldSet(String name, int offset, int size, long value) {}

    /**
     * Mutated binary produce bodies: bits flipped, cut short, frame and batch length fields set to huge, negative
     * or off-by-one values, the magic changed, header fields changed under a recomputed CRC (records count,
     * last offset delta, attributes, timestamps, producer fields), garbage appended, a frame with no batch.
     */
    static Arbitrary<Tuple.Tuple2<byte[], String>> mutatedBatches() {
        int b = BatchFrames.BATCH_OFFSET;
        Arbitrary<FieldSet> underCrc = Arbitraries.oneOf(
                Arbitraries.of(0L, 2L, 6L, -1L, 1000L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE)
                        .map(v -> new FieldSet("records count", RecordBatches.RECORDS_COUNT_OFFSET, 4, v)),
                Arbitraries.of(-1L, 1L, 7L, 1000L, (long) Integer.MAX_VALUE)
                        .map(v -> new FieldSet("last offset delta", RecordBatches.LAST_OFFSET_DELTA_OFFSET, 4, v)),
                Arbitraries.of(5L, 6L, 7L, 8L, 0x10L, 0x20L, 0x40L, 0x80L, 0x7fffL, -1L)
                        .map(v -> new FieldSet("attributes", RecordBatches.ATTRIBUTES_OFFSET, 2, v)),
                Arbitraries.of(-1L, 0L, Long.MAX_VALUE, Long.MIN_VALUE, 1764000000001L)
                        .map(v -> new FieldSet("max timestamp", RecordBatches.MAX_TIMESTAMP_OFFSET, 8, v)),
                Arbitraries.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE)
                        .map(v -> new FieldSet("base timestamp", RecordBatches.BASE_TIMESTAMP_OFFSET, 8, v)),
                Arbitraries.of(0L, 7L, Long.MAX_VALUE, -2L)
                        .map(v -> new FieldSet("producer id", RecordBatches.PRODUCER_ID_OFFSET, 8, v)),
                Arbitraries.of(-2L, 0L, (long) Short.MAX_VALUE)
                        .map(v -> new FieldSet("producer epoch", RecordBatches.PRODUCER_EPOCH_OFFSET, 2, v)),
                Arbitraries.of(-2L, 0L, (long) Integer.MAX_VALUE)
                        .map(v -> new FieldSet("base sequence", RecordBatches.BASE_SEQUENCE_OFFSET, 4, v)),
                Combinators.combine(
                                Arbitraries.integers().between(RecordBatches.RECORDS_OFFSET, 200),
                                Arbitraries.integers().between(0, 255))
                        .as((at, v) -> new FieldSet("record byte " + at, at, 1, (long) v)));
        Arbitrary<Function<byte[], Tuple.Tuple2<byte[], String>>> mutation = Arbitraries.oneOf(
                Arbitraries.integers()
                        .between(0, 10_000)
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(4)
                        .map(bits -> body -> {
                            byte[] copy = body.clone();
                            bits.forEach(bit -> copy[(bit / 8) % copy.length] ^= (byte) (1 << (bit % 8)));
                            return Tuple.of(copy, "flip bits " + bits);
                        }),
                Arbitraries.doubles().between(0, 1).map(f -> body -> {
                    int at = (int) (body.length * f);
                    return Tuple.of(Arrays.copyOf(body, at), "cut at " + at);
                }),
                Arbitraries.of(-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, 1, 60, 61, 1 << 24)
                        .map(v -> body -> Tuple.of(setInt(body, BatchFrames.LENGTH_OFFSET, v), "frame LENGTH := " + v)),
                Arbitraries.of(-1, 1, -5)
                        .map(delta -> body -> Tuple.of(
                                setInt(
                                        body,
                                        BatchFrames.LENGTH_OFFSET,
                                        getInt(body, BatchFrames.LENGTH_OFFSET) + delta),
                                "frame LENGTH += " + delta)),
                Arbitraries.of(-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 2, 1000)
                        .map(v -> body -> Tuple.of(setInt(body, BatchFrames.PARTITION_OFFSET, v), "PARTITION := " + v)),
                Arbitraries.of(-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, 48)
                        .map(v -> body ->
                                Tuple.of(setInt(body, b + RecordBatches.LENGTH_OFFSET, v), "batch length := " + v)),
                Arbitraries.of(0, 1, 3, -1, 127).map(v -> body -> {
                    byte[] copy = body.clone();
                    copy[b + RecordBatches.MAGIC_OFFSET] = (byte) (int) v;
                    return Tuple.of(copy, "magic := " + v);
                }),
                underCrc.map(field -> body -> Tuple.of(
                        setUnderCrc(body, field), field.name() + " := " + field.value() + " (CRC recomputed)")),
                Arbitraries.<byte[]>of(
                                new byte[0], new byte[] {0, 0, 0, 0, 0, 0, 0, 0}, new byte[] {0, 0, 0, 0}, new byte[] {
                                    0, 0, 0, 1, 0, 0, 0, 0x3d
                                })
                        .map(tail -> body -> Tuple.of(
                                concat(body, tail), "append " + HexFormat.of().formatHex(tail))),
                Arbitraries.just(body -> Tuple.of(new byte[0], "empty body")));
        return Combinators.combine(validFrames(), mutation.list().ofMinSize(1).ofMaxSize(2))
                .as((valid, ms) -> {
                    byte[] body = valid;
                    List<String> said = new ArrayList<>();
                    for (var m : ms) {
                        if (body.length < BatchFrames.BATCH_OFFSET + RecordBatches.RECORDS_OFFSET) {
                            break; // already cut short: later field mutations would have nothing to change
                        }
                        Tuple.Tuple2<byte[], String> next = m.apply(body);
                        body = next.get1();
                        said.add(next.get2());
                    }
                    return Tuple.of(body, String.join(", then ", said));
                });
    }

    private static byte[] setUnderCrc(byte[] body, FieldSet field) {
        byte[] copy = body.clone();
        int b = BatchFrames.BATCH_OFFSET;
        int at = b + field.offset();
        int end = b + RecordBatches.LOG_OVERHEAD + getInt(body, b + RecordBatches.LENGTH_OFFSET);
        if (end > copy.length || at + field.size() > end) {
            return copy; // the batch length field was changed or the batch cut short: no CRC to recompute
        }
        ByteBuffer buf = ByteBuffer.wrap(copy).order(ByteOrder.BIG_ENDIAN);
        switch (field.size()) {
            case 1 -> buf.put(at, (byte) field.value());
            case 2 -> buf.putShort(at, (short) field.value());
            case 4 -> buf.putInt(at, (int) field.value());
            default -> buf.putLong(at, field.value());
        }
        CRC32C crc = new CRC32C();
        crc.update(copy, b + RecordBatches.ATTRIBUTES_OFFSET, end - (b + RecordBatches.ATTRIBUTES_OFFSET));
        buf.putInt(b + RecordBatches.CRC_OFFSET, (int) crc.getValue());
        return copy;
    }

    // ---- paths, queries, headers ----

    /** Path segments, percent-encoded as sent: separators, dot segments, encoded NUL, invalid UTF-8, very long. */
    static Arbitrary<String> oddSegments() {
        return Arbitraries.frequencyOf(
                Tuple.of(
                        5,
                        Arbitraries.of(
                                "..",
                                ".",
                                "%2e%2e",
                                "%2E",
                                ".%2e",
                                "a%2Fb",
                                "a%5Cb",
                                "%2F",
                                "%00",
                                "%ff",
                                "%c0%80",
                                "%ed%a0%80",
                                "x".repeat(300),
                                "%F0%9D%94%88",
                                "-1",
                                "99999999999",
                                "%20",
                                "a%3Fb",
                                "%25",
                                "%E2%80%AE",
                                "a;b=c",
                                "%3B",
                                "a%23b",
                                "a%0d%0ab",
                                "~",
                                "a..b",
                                "_",
                                "%09")),
                Tuple.of(2, oddStrings().filter(s -> s.length() < 5_000).map(FuzzCases::encode)));
    }

    /** Query values: odd numbers and strings, encoded. */
    static Arbitrary<String> oddQueryValues() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(ODD_NUMBERS).map(FuzzCases::encode)),
                Tuple.of(1, Arbitraries.longs().between(Long.MIN_VALUE, -1).map(Object::toString)),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                "%D9%A1",
                                "1%00", "%201", "1%20", "%ff", "%", "a&b", "&", "=", "1,2", "true%00", "TRUE", "yes",
                                "gzip2", "base32", "all%20", "ALL", "2")),
                Tuple.of(2, oddStrings().filter(s -> s.length() < 5_000).map(FuzzCases::encode)));
    }

    /** Percent-encodes everything but unreserved characters (a lone surrogate becomes U+FFFD's bytes, as UTF-8 does). */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** A query string from name, value pairs; a null value leaves the parameter out. */
    static String query(Map<String, String> params) {
        StringBuilder out = new StringBuilder();
        params.forEach((k, v) -> {
            if (v != null) {
                out.append(out.length() == 0 ? '?' : '&').append(k).append('=').append(v);
            }
        });
        return out.toString();
    }

    static Map<String, String> params(String... nameValue) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            out.put(nameValue[i], nameValue[i + 1]);
        }
        return out;
    }

    // ---- bytes ----

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] setInt(byte[] body, int at, int value) {
        byte[] copy = body.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.BIG_ENDIAN).putInt(at, value);
        return copy;
    }

    private static int getInt(byte[] body, int at) {
        return ByteBuffer.wrap(body).order(ByteOrder.BIG_ENDIAN).getInt(at);
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + " chars)";
    }

    private static String preview(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8);
        boolean printable = text.chars().allMatch(c -> c >= 0x20 && c != 0xfffd || c == '\n');
        return printable
                ? abbreviate(text, 500) + (body.length > 600 ? "…" : "")
                : HexFormat.of().formatHex(body, 0, Math.min(body.length, 300)) + (body.length > 300 ? "…" : "");
    }
}
