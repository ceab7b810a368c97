package io.eddy.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KafkaBrokerTest {
    @Test
    void theBrokerIsOneKraftNodeWithSixPartitionsAndReplicationFactorOne() {
        String props = KafkaBroker.serverProperties(Path.of("/w/kafka"), 30001, 30002);

        assertThat(props.lines())
                .containsExactly(
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@127.0.0.1:30002",
                        "listeners=PLAINTEXT://127.0.0.1:30001,CONTROLLER://127.0.0.1:30002",
                        "advertised.listeners=PLAINTEXT://127.0.0.1:30001",
                        "controller.listener.names=CONTROLLER",
                        "inter.broker.listener.name=PLAINTEXT",
                        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                        "log.dirs=/w/kafka/logs",
                        "num.partitions=6",
                        "offsets.topic.replication.factor=1",
                        "share.coordinator.state.topic.replication.factor=1",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "group.initial.rebalance.delay.ms=0");
    }

    @Test
    void theBrokerPortIsReadBackFromItsProperties() {
        assertThat(KafkaBroker.brokerPort(KafkaBroker.serverProperties(Path.of("/w"), 41000, 42000)))
                .isEqualTo(41000);
        assertThatThrownBy(() -> KafkaBroker.brokerPort("node.id=1\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBrokerLogsInfoToItsFileAndTheToolsWarningsToStandardError() {
        assertThat(KafkaBroker.brokerLog4j(Path.of("/l/kafka-broker.log")))
                .contains(
                        "rootLogger.level=INFO",
                        "appender.file.fileName=/l/kafka-broker.log",
                        "appender.file.layout.pattern=[%d] %p %m (%c)%n");
        assertThat(KafkaBroker.TOOLS_LOG4J).contains("rootLogger.level=WARN", "appender.err.target=SYSTEM_ERR");
    }

    @Test
    void theBrokerRunsWithTheJvmOptionsOfKafkasStartScripts() {
        assertThat(KafkaBroker.BROKER_JVM)
                .containsExactly(
                        "-Xmx1G",
                        "-Xms1G",
                        "-XX:+UseG1GC",
                        "-XX:MaxGCPauseMillis=20",
                        "-XX:InitiatingHeapOccupancyPercent=35",
                        "-XX:+ExplicitGCInvokesConcurrent",
                        "-Djava.awt.headless=true");
    }

    @ParameterizedTest
    @CsvSource({
        // size, warm-up s, measured s, warm-up records, all records
        "100, 5, 20, 1500000, 7500000",
        "1024, 5, 20, 292965, 1464825",
        "100, 2, 5, 600000, 2100000",
        "100, 0, 1, 0, 300000"
    })
    void producePerformanceGetsAsManyRecordsAsTheSecondsTakeAtKafkasQuietRate(
            int size, int warmup, int seconds, long warmupRecords, long records) {
        assertThat(KafkaBaseline.Counts.of(size, warmup, seconds))
                .isEqualTo(new KafkaBaseline.Counts(warmupRecords, records));
    }

    @Test
    void perfConsumeLoadsTheMibOfValuesInRecordsOfTheSize() {
        assertThat(KafkaBaseline.consumeRecords(16, 100)).isEqualTo(167772);
        assertThat(KafkaBaseline.consumeRecords(150, 1024)).isEqualTo(153600);
    }
}
