package dev.verge.cloud.azure;

import com.microsoft.azure.functions.annotation.FunctionName;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.verge.cloud.ArchitectureRules;

/** The Azure functions only translate: they reach the use cases through CloudServices, never the Blob or Table adapters. */
@AnalyzeClasses(packages = "dev.verge.cloud.azure", importOptions = ArchitectureRules.MainClassesOnly.class)
class AzureArchitectureTest {

    private static final DescribedPredicate<JavaClass> FUNCTIONS = DescribedPredicate.describe("Azure functions",
            c -> c.getMethods().stream().anyMatch(m -> m.isAnnotatedWith(FunctionName.class)));

    @ArchTest
    static final ArchRule functionsOnlyTranslate = ArchitectureRules.handlersOnlyTranslate(FUNCTIONS,
            JavaClass.Predicates.resideInAPackage("dev.verge.cloud.azure.storage.."));
}
