package dev.verge.cloud;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The rules about {@code functions/core} and the modules it builds on (inference, wire), over their main classes. */
@AnalyzeClasses(packages = {"dev.verge.cloud", "dev.verge.inference", "dev.verge.wire", "dev.verge.error"},
        importOptions = ArchitectureRules.MainClassesOnly.class)
class CoreArchitectureTest {

    @ArchTest
    static final ArchRule cloudFree = ArchitectureRules.CLOUD_FREE;

    @ArchTest
    static final ArchRule configuredByWhatItIsGiven = ArchitectureRules.CONFIGURED_BY_WHAT_IT_IS_GIVEN;

    @ArchTest
    static final ArchRule useCasesDoNotDependOnApi = ArchitectureRules.USE_CASES_DO_NOT_DEPEND_ON_API;
}
