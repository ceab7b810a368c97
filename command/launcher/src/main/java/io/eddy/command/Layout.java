package io.eddy.command;

import java.nio.file.Path;
import java.util.List;

/**
 * Where things are in a checkout: the modules' outputs, by {@link Module}'s table. Immutable, thread-safe.
 *
 * @param root the repository's root (where the {@code eddy} script is)
 */
record Layout(Path root) {

    Path dir(Module.Dir dir) {
        return root.resolve(dir.path);
    }

    /** The files a build of {@code module} makes that {@code ./eddy} runs, the first one rewritten by every build. */
    List<Path> outputs(Module module) {
        return module.outputs.stream().map(o -> dir(module.dir).resolve(o)).toList();
    }

    Path serverJar() {
        return outputs(Module.SERVER).get(0);
    }

    /** The classes directory of a module with {@code target/classes}. */
    Path classes(Module module) {
        return dir(module.dir).resolve("target/classes");
    }

    /** The file {@code maven-dependency-plugin:build-classpath} writes for a module. */
    Path classpathFile(Module module) {
        return dir(module.dir).resolve("target/classpath.txt");
    }

    Path kafkaBaselinePom() {
        return dir(Module.Dir.KAFKA_BASELINE).resolve("pom.xml");
    }

    Path kafkaClasspathFile() {
        return dir(Module.Dir.KAFKA_BASELINE).resolve("target/classpath.txt");
    }
}
