package io.eddy.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layout's rules, checked on the main classes of every jar the server composes: a function never reaches
 * into another (what they share is in {@code runtime} or {@code core}), {@code core} knows nothing of the
 * functions' runtime, and the Kafka front end is a face of its own over {@code core} alone, which no function
 * reaches into. Here because the server is the one module that sees every function's jar.
 */
class ModuleRulesTest {
    private static final JavaClasses EDDY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(
                    "io.eddy.core",
                    "io.eddy.runtime",
                    "io.eddy.ingest",
                    "io.eddy.fetch",
                    "io.eddy.compactor",
                    "io.eddy.kafka");

    static Stream<Arguments> functions() {
        return Stream.of(
                Arguments.of("io.eddy.ingest..", List.of("io.eddy.fetch..", "io.eddy.compactor..")),
                Arguments.of("io.eddy.fetch..", List.of("io.eddy.ingest..", "io.eddy.compactor..")),
                Arguments.of("io.eddy.compactor..", List.of("io.eddy.ingest..", "io.eddy.fetch..")));
    }

    @ParameterizedTest(name = "{0} depends on none of {1}")
    @MethodSource("functions")
    void aFunctionDoesNotDependOnAnotherFunction(String function, List<String> others) {
        noClasses()
                .that()
                .resideInAPackage(function)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(others.toArray(String[]::new))
                .check(EDDY);
    }

    @Test
    void theKafkaFrontEndDependsOnCoreAlone() {
        noClasses()
                .that()
                .resideInAPackage("io.eddy.kafka..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.eddy.runtime..",
                        "io.eddy.ingest..",
                        "io.eddy.fetch..",
                        "io.eddy.compactor..",
                        "io.eddy.server..",
                        "io.quarkus..",
                        "jakarta..")
                .check(EDDY);
    }

    @Test
    void neitherCoreNorAnyFunctionDependsOnTheKafkaFrontEnd() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.eddy.core..",
                        "io.eddy.runtime..",
                        "io.eddy.ingest..",
                        "io.eddy.fetch..",
                        "io.eddy.compactor..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.eddy.kafka..")
                .check(EDDY);
    }

    @Test
    void coreDoesNotDependOnTheRuntime() {
        noClasses()
                .that()
                .resideInAPackage("io.eddy.core..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.eddy.runtime..")
                .check(EDDY);
    }
}
