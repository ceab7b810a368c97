package io.eddy.command;

import java.util.List;

/**
 * The reactor modules {@code ./eddy} builds and runs, with the one table of their directories: a module that moves is
 * a one-line edit of {@link Dir}.
 *
 * <p>Each built module names what its {@code mvn package} makes that {@code ./eddy} runs (paths relative to its
 * directory; the first is rewritten by a build of the module whose sources changed, so its age, or the later stamp
 * of {@link Builds}, says whether the build is older than the sources) and the modules whose sources its outputs are
 * made from.
 */
enum Module {
    SERVER(
            Dir.SERVER,
            List.of("target/quarkus-app/quarkus-run.jar"),
            List.of(Dir.CORE, Dir.RUNTIME, Dir.INGEST_FN, Dir.FETCH_FN, Dir.COMPACTOR, Dir.SERVER)),
    STANDINS(
            Dir.STANDINS,
            List.of(
                    "target/classes/io/eddy/standins/StandinsMain.class",
                    "target/classes/META-INF/eddy/dynamodb-local.classpath",
                    "target/classes/META-INF/eddy/s3proxy.classpath",
                    "target/classes/META-INF/eddy/s3proxy-extra.classpath"),
            List.of(Dir.STANDINS)),
    BENCH(
            Dir.BENCH,
            List.of("target/classes/io/eddy/bench/Perf.class", "target/classpath.txt"),
            List.of(Dir.CORE, Dir.BENCH)),
    CLIENT(
            Dir.CLIENT,
            List.of("target/classes/io/eddy/client/cli/EddyCli.class", "target/classpath.txt"),
            List.of(Dir.CLIENT)),
    CHAOS(
            Dir.CHAOS,
            List.of("target/classes/io/eddy/chaos/ChaosMain.class", "target/classpath.txt"),
            List.of(Dir.STANDINS, Dir.TESTKIT, Dir.CLIENT, Dir.CHAOS));

    /** Every module directory {@code ./eddy} depends on, relative to the repository's root. */
    enum Dir {
        CORE("core"),
        RUNTIME("runtime"),
        INGEST_FN("ingest-fn"),
        FETCH_FN("fetch-fn"),
        COMPACTOR("compactor"),
        SERVER("server"),
        STANDINS("standins"),
        TESTKIT("testkit"),
        CLIENT("client"),
        CHAOS("chaos"),
        BENCH("bench"),
        /** Outside the reactor: a pom that only resolves the Kafka 4.4.0 jars into {@code target/classpath.txt}. */
        KAFKA_BASELINE("bench/kafka-baseline");

        final String path;

        Dir(String path) {
            this.path = path;
        }
    }

    final Dir dir;
    final List<String> outputs;
    final List<Dir> sources;

    Module(Dir dir, List<String> outputs, List<Dir> sources) {
        this.dir = dir;
        this.outputs = outputs;
        this.sources = sources;
    }
}
