package io.eddy.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;

/**
 * The rules that keep {@code core} a plain library split by concern: it knows nothing of the functions, their
 * runtime or the HTTP stack, and its concerns depend on each other in one direction only.
 */
@AnalyzeClasses(packages = "io.eddy.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {
    private static final String CORE = "io.eddy.core.";
    /** Adapters of ports that several concerns own ({@code SegmentStore}, {@code GroupStore}, …). */
    private static final Set<String> ADAPTERS = Set.of("storage.dynamo", "storage.s3");

    @ArchTest
    static final ArchRule coreDependsOnNoFrameworkNorFunction = noClasses()
            .that()
            .resideInAPackage("io.eddy.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.quarkus..", "io.vertx..", "io.eddy.runtime..", "io.eddy.edge..")
            .because("core is plain Java over Mutiny and the AWS SDK: functions wire it, it does not know them");

    /**
     * No cycles among core's concerns ({@code io.eddy.core.(*)..}: group, fetch, produce, storage …). The adapters in
     * {@code storage.dynamo} and {@code storage.s3} are a layer of their own, outside the {@code storage} concern:
     * they implement the ports of every concern (a {@code GroupStore} is group's port, stored by
     * {@code DynamoGroupStore}), so they depend on those concerns, and nothing in core but wiring depends on them.
     */
    @ArchTest
    static final ArchRule concernsAreFreeOfCycles = slices().assignedFrom(new SliceAssignment() {
                @Override
                public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                    String name = javaClass.getPackageName();
                    if (!name.startsWith(CORE)) {
                        return SliceIdentifier.ignore();
                    }
                    String rest = name.substring(CORE.length());
                    for (String adapter : ADAPTERS) {
                        if (rest.equals(adapter) || rest.startsWith(adapter + ".")) {
                            return SliceIdentifier.of(adapter);
                        }
                    }
                    int dot = rest.indexOf('.');
                    return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
                }

                @Override
                public String getDescription() {
                    return "core's concerns io.eddy.core.(*).., with the storage adapters " + ADAPTERS + " apart";
                }
            })
            .should()
            .beFreeOfCycles();

    /** Nor any cycle between two packages of core. */
    @ArchTest
    static final ArchRule packagesAreFreeOfCycles =
            slices().matching("io.eddy.core.(**)").should().beFreeOfCycles();
}
