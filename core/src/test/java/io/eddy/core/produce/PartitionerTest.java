package io.eddy.core.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.utils.Utils;

/** Same key, same partition count: the same partition as Kafka's default partitioner. */
class PartitionerTest {

    @Property(tries = 2000)
    void keyLandsOnKafkasPartition(
            @ForAll @Size(max = 256) byte[] key, @ForAll @IntRange(min = 1, max = 10_000) int partitions) {
        int kafka = Utils.toPositive(Utils.murmur2(key)) % partitions;

        assertThat(Partitioner.forKey(key, partitions)).isEqualTo(kafka);
    }

    @Property(tries = 1000)
    void stringKeyLandsOnKafkasPartitionAsUtf8(
            @ForAll String key, @ForAll @IntRange(min = 1, max = 10_000) int partitions) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);

        assertThat(Partitioner.forKey(utf8, partitions)).isEqualTo(Utils.toPositive(Utils.murmur2(utf8)) % partitions);
    }

    @Property(tries = 2000)
    void murmur2IsKafkas(@ForAll @Size(max = 1024) byte[] data) {
        assertThat(Partitioner.murmur2(data)).isEqualTo(Utils.murmur2(data));
    }

    @Example
    void emptyKeyAndEveryTailLengthHashLikeKafka() {
        byte[] data = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        for (int length = 0; length <= data.length; length++) {
            byte[] prefix = java.util.Arrays.copyOf(data, length);
            assertThat(Partitioner.murmur2(prefix)).as("length %d", length).isEqualTo(Utils.murmur2(prefix));
        }
    }

    @Example
    void keyWhoseHashIsNegativeStillGetsAValidPartition() {
        // Kafka masks the sign bit (toPositive), it does not take Math.abs: a negative hash shows the difference
        byte[] key = IntStream.range(0, 10_000)
                .mapToObj(i -> ("k" + i).getBytes(StandardCharsets.UTF_8))
                .filter(k -> Utils.murmur2(k) < 0)
                .findFirst()
                .orElseThrow();

        assertThat(Partitioner.forKey(key, 7)).isBetween(0, 6).isEqualTo(Utils.toPositive(Utils.murmur2(key)) % 7);
    }

    @Property(tries = 200)
    void stickyVisitsEveryPartitionOnceBeforeRepeating(@ForAll @IntRange(min = 1, max = 1_000) int partitions) {
        Partitioner partitioner = new Partitioner();

        List<Integer> firstRound = new ArrayList<>();
        List<Integer> secondRound = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            firstRound.add(partitioner.nextSticky(partitions));
        }
        for (int i = 0; i < partitions; i++) {
            secondRound.add(partitioner.nextSticky(partitions));
        }

        assertThat(firstRound)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, partitions).boxed().toList());
        assertThat(secondRound).isEqualTo(firstRound);
    }
}
