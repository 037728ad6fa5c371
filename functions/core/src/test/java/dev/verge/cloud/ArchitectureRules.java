package dev.verge.cloud;

import dev.verge.cloud.devices.DeviceIdentity;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rules of the house (README, "Layout"), checked by ArchUnit in the build: each module's
 * {@code *ArchitectureTest} runs the ones about its classes. The Maven enforcer keeps cloud SDKs off the
 * cloud-free modules' dependencies; {@link #CLOUD_FREE} keeps their code from naming one that arrives some
 * other way.
 */
public final class ArchitectureRules {
    private ArchitectureRules() {}

    static final String[] CLOUD_SDKS = {"com.amazonaws..", "software.amazon..", "com.azure..", "com.microsoft.azure.."};
    static final String[] CLOUD_ADAPTERS = {"dev.verge.cloud.aws..", "dev.verge.cloud.azure..", "dev.verge.cloud.local.."};

    /** What the rules look at: main classes only, not the test classes nor the test-jars on the class path. */
    public static final class MainClassesOnly implements ImportOption {
        private static final ImportOption NO_TESTS = new ImportOption.DoNotIncludeTests();

        @Override
        public boolean includes(Location location) {
            return NO_TESTS.includes(location) && !location.contains("-tests.jar");
        }
    }

    /** {@code inference}, {@code wire}, the shared errors and {@code functions/core} name no AWS or Azure class. */
    public static final ArchRule CLOUD_FREE = noClasses()
            .that().resideInAnyPackage("dev.verge.inference..", "dev.verge.wire..", "dev.verge.error..", "dev.verge.cloud..")
            .and().resideOutsideOfPackages(CLOUD_ADAPTERS)
            .should().dependOnClassesThat().resideInAnyPackage(CLOUD_SDKS)
            .because("inference and functions/core run on every cloud and on the edge; SDKs belong in functions/aws or functions/azure");

    /**
     * The cloud-free code is configured by what it is given ({@code CloudConfig.fromEnv(env)} and its parts read a
     * map): only the runtimes read the process environment, so a test or a second instance configures it fully.
     */
    public static final ArchRule CONFIGURED_BY_WHAT_IT_IS_GIVEN = noClasses()
            .that().resideInAnyPackage("dev.verge.inference..", "dev.verge.wire..", "dev.verge.error..", "dev.verge.cloud..")
            .and().resideOutsideOfPackages(CLOUD_ADAPTERS)
            .should().callMethod(System.class, "getenv")
            .orShould().callMethod(System.class, "getenv", String.class)
            .because("CloudServices and the use cases take their settings from CloudConfig, never past it");

    /**
     * Use cases and ports know nothing of HTTP: only the route groups ({@code *Routes}, the HTTP adapter of each
     * package) and the composition root translate between {@code api} and them.
     */
    public static final ArchRule USE_CASES_DO_NOT_DEPEND_ON_API = noClasses()
            .that().resideInAnyPackage("dev.verge.cloud.port..", "dev.verge.cloud.json..", "dev.verge.cloud.registry..",
                    "dev.verge.cloud.events..", "dev.verge.cloud.rollout..", "dev.verge.cloud.devices..",
                    "dev.verge.cloud.telemetry..", "dev.verge.cloud.analytics..", "dev.verge.cloud.rights..",
                    "dev.verge.cloud.predict..", "dev.verge.cloud.dashboard..")
            .and().haveSimpleNameNotEndingWith("Routes")
            .should().dependOnClassesThat().resideInAPackage("dev.verge.cloud.api..")
            .because("a use case is called the same from every door; HTTP is one of them (README, Layout)");

    /**
     * A cloud handler translates its event into a use case call and the result back: it reaches the use cases
     * through {@link CloudServices} and never the stores (the ports, the adapters' storage classes) behind them.
     *
     * @param handlers        which classes of the module are its handlers
     * @param storageAdapters the packages or classes of the module's store adapters, as ArchUnit package patterns
     */
    public static ArchRule handlersOnlyTranslate(DescribedPredicate<JavaClass> handlers, DescribedPredicate<JavaClass> storageAdapters) {
        return noClasses().that(handlers)
                .should().dependOnClassesThat().resideInAPackage("dev.verge.cloud.port..")
                .orShould().dependOnClassesThat(storageAdapters)
                .orShould().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson.databind.node..")
                .because("handlers hold no logic of their own (README, Layout): stores are wired by CloudServices,"
                        + " payloads are read by the core's intake or the adapter's own translator");
    }
}
