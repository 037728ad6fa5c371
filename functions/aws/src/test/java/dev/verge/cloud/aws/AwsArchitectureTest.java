package dev.verge.cloud.aws;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.verge.cloud.ArchitectureRules;

/** The Lambda handlers only translate: they reach the use cases through CloudServices, never the S3 or DynamoDB adapters. */
@AnalyzeClasses(packages = "dev.verge.cloud.aws", importOptions = ArchitectureRules.MainClassesOnly.class)
class AwsArchitectureTest {

    @ArchTest
    static final ArchRule handlersOnlyTranslate = ArchitectureRules.handlersOnlyTranslate(
            assignableTo(RequestStreamHandler.class).or(assignableTo(RequestHandler.class)),
            belongToAnyOf(S3BlobStore.class, DynamoDbMetadataStore.class, AwsClients.class));
}
