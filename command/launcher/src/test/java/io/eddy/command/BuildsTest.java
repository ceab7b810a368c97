package io.eddy.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a module is built: missing or dangling outputs, and sources or poms newer than its last build. */
class BuildsTest {
    private static final FileTime OLD = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    private static final FileTime BUILT = FileTime.from(Instant.parse("2026-02-01T00:00:00Z"));
    private static final FileTime NEW = FileTime.from(Instant.parse("2026-03-01T00:00:00Z"));

    @TempDir
    Path root;

    private Layout layout;
    private Builds builds;
    private final List<List<String>> calls = new ArrayList<>();

    @BeforeEach
    void aBuiltClient() throws IOException {
        layout = new Layout(root);
        builds = new Builds(
                layout,
                (dir, args) -> {
                    calls.add(args);
                    return 0;
                },
                new PrintStream(new ByteArrayOutputStream()));
        touch(root.resolve("pom.xml"), OLD);
        touch(root.resolve("client/pom.xml"), OLD);
        touch(root.resolve("client/src/main/java/A.java"), OLD);
        setTime(root.resolve("client/src/main/java"), OLD);
        setTime(root.resolve("client/src/main"), OLD);
        setTime(root.resolve("client/src"), OLD);
        Path jar = touch(root.resolve("m2/picocli.jar"), OLD);
        touch(layout.outputs(Module.CLIENT).get(0), BUILT);
        Files.writeString(layout.outputs(Module.CLIENT).get(1), jar + ":\n");
        setTime(layout.outputs(Module.CLIENT).get(1), BUILT);
    }

    @Test
    void aModuleBuiltAfterItsSourcesIsNotStale() {
        assertThat(builds.complete(Module.CLIENT)).isTrue();
        assertThat(builds.stale(Module.CLIENT)).isFalse();

        builds.ensureBuilt(false, Module.CLIENT);

        assertThat(calls).isEmpty();
    }

    @Test
    void aNewerSourceMakesItStale() throws IOException {
        setTime(root.resolve("client/src/main/java/A.java"), NEW);

        assertThat(builds.stale(Module.CLIENT)).isTrue();
    }

    @Test
    void aFileAddedToTheSourcesMakesItStaleThroughItsDirectory() throws IOException {
        setTime(root.resolve("client/src/main/java"), NEW);

        assertThat(builds.stale(Module.CLIENT)).isTrue();
    }

    @Test
    void aNewerModulePomOrRootPomMakesItStale() throws IOException {
        setTime(root.resolve("client/pom.xml"), NEW);
        assertThat(builds.stale(Module.CLIENT)).isTrue();

        setTime(root.resolve("client/pom.xml"), OLD);
        setTime(root.resolve("pom.xml"), NEW);
        assertThat(builds.stale(Module.CLIENT)).isTrue();
    }

    @Test
    void aJarTheClasspathNamesThatIsGoneMakesItIncomplete() throws IOException {
        Files.delete(root.resolve("m2/picocli.jar"));

        assertThat(builds.complete(Module.CLIENT)).isFalse();
        assertThat(builds.stale(Module.CLIENT)).isTrue();
    }

    @Test
    void staleModulesAreBuiltInOneMavenCallThenChecked() {
        assertThatThrownBy(() -> builds.ensureBuilt(false, Module.CLIENT, Module.BENCH))
                .isInstanceOf(EddyExit.class)
                .hasMessageStartingWith("the build did not make everything of bench (");

        assertThat(calls).containsExactly(List.of("-q", "-B", "-DskipTests", "package", "-pl", "bench", "-am"));
    }

    @Test
    void aBuildThatRewritesNoOutputStillCountsAsBuilt() throws IOException {
        // a resource changed: Maven copies it, but javac keeps the class, the first output
        touch(root.resolve("client/src/main/resources/usage.txt"), NEW);
        assertThat(builds.stale(Module.CLIENT)).isTrue();

        builds.ensureBuilt(false, Module.CLIENT);
        builds.ensureBuilt(false, Module.CLIENT);

        assertThat(calls).hasSize(1);
        assertThat(builds.stale(Module.CLIENT)).isFalse();
    }

    @Test
    void aSourceEditedWhileMavenRunsIsBuiltNextTime() throws IOException {
        Path source = root.resolve("client/src/main/java/A.java");
        setTime(source, NEW);
        Builds editing = new Builds(
                layout,
                (dir, args) -> {
                    calls.add(args);
                    try {
                        setTime(source, FileTime.from(Instant.now().plusSeconds(1)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return 0;
                },
                new PrintStream(new ByteArrayOutputStream()));

        editing.ensureBuilt(false, Module.CLIENT);

        assertThat(calls).hasSize(1);
        assertThat(editing.stale(Module.CLIENT)).isTrue();
    }

    @Test
    void rebuildBuildsEvenWhatIsFresh() {
        builds.ensureBuilt(true, Module.CLIENT);

        assertThat(calls).containsExactly(List.of("-q", "-B", "-DskipTests", "package", "-pl", "client", "-am"));
    }

    @Test
    void classpathEntriesIgnoreNewlinesAndEmptyEntries() {
        assertThat(Classpath.entries("/a.jar:/b.jar\n:")).containsExactly("/a.jar", "/b.jar");
        assertThat(Classpath.entries("")).isEmpty();
    }

    private static Path touch(Path file, FileTime time) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        setTime(file, time);
        return file;
    }

    private static void setTime(Path path, FileTime time) throws IOException {
        Files.setLastModifiedTime(path, time);
    }
}
