package io.eddy.core;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchResult;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.model.Header;
import io.eddy.core.model.Record;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.core.produce.RecordOffset;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.Standins;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local stack stores on disk is all there after it restarts: topics, heads, index and objects. */
class LocalStackRestartTest {

    @Test
    void dataWrittenBeforeARestartIsReadableAfterIt(@TempDir Path dataDir) {
        String name = EddyStack.uniqueName("restart");
        List<RecordOffset> acked;
        try (Standins before = Standins.start(dataDir);
                CoreInstance eddy =
                        CoreInstance.on(EddyStack.on(before, name, name)).start()) {
            eddy.ensureResources();
            await(eddy.topics().create("survivor", 2, Map.of()));
            List<ProduceRequest.Entry> records = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                records.add(new ProduceRequest.Entry(
                        i % 2,
                        new Record(
                                -1,
                                1_000 + i,
                                ("k" + i).getBytes(StandardCharsets.UTF_8),
                                ("v" + i).getBytes(StandardCharsets.UTF_8),
                                List.of(new Header("h", new byte[] {(byte) i})))));
            }
            acked = await(eddy.produce().produce("survivor", new ProduceRequest(records, false)));
        }

        try (Standins after = Standins.start(dataDir);
                CoreInstance eddy =
                        CoreInstance.on(EddyStack.on(after, name, name)).start()) {
            assertThat(await(eddy.topics().list()))
                    .extracting(t -> t.name().value())
                    .containsExactly("survivor");
            for (int p = 0; p < 2; p++) {
                FetchResult r =
                        await(eddy.coldFetch().fetch(new FetchRequest("survivor", p, 0, 100, 1 << 20, Duration.ZERO)));
                assertThat(r.highWatermark()).isEqualTo(10);
                assertThat(r.records())
                        .extracting(Record::offset)
                        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
                for (Record rec : r.records()) {
                    int i = Integer.parseInt(new String(rec.key(), StandardCharsets.UTF_8).substring(1));
                    assertThat(acked.get(i).partition()).isEqualTo(p);
                    assertThat(acked.get(i).offset()).isEqualTo(rec.offset());
                    assertThat(new String(rec.value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
                    assertThat(rec.timestamp()).isEqualTo(1_000 + i);
                    assertThat(rec.headers().get(0).value()).containsExactly((byte) i);
                }
            }
        }
    }
}
