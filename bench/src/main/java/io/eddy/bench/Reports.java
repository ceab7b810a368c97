package io.eddy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the produce and consume reports share: the Eddy/Kafka ratio entry and the results document. Stateless. */
final class Reports {
    private Reports() {}

    /** One Eddy/Kafka comparison at a record size, as the JSON document lists it. */
    static Map<String, Object> ratio(int recordSize, double eddyRecordsPerSec, double kafkaRecordsPerSec) {
        Map<String, Object> ratio = new LinkedHashMap<>();
        ratio.put("record_size", recordSize);
        ratio.put("eddy_records_per_sec", eddyRecordsPerSec);
        ratio.put("kafka_records_per_sec", kafkaRecordsPerSec);
        ratio.put("ratio", eddyRecordsPerSec / kafkaRecordsPerSec);
        return ratio;
    }

    /** Writes {note, eddy, kafka, ratios} to the {@code --out} file and says where. */
    static void write(ObjectMapper json, Args args, List<?> eddy, Collection<?> kafka, List<Map<String, Object>> ratios)
            throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("note", args.string("note", ""));
        doc.put("eddy", eddy);
        doc.put("kafka", new ArrayList<>(kafka));
        doc.put("ratios", ratios);
        Path out = Path.of(args.required("out"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        json.writeValue(out.toFile(), doc);
        System.out.println("results: " + out);
    }
}
