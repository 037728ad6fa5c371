package dev.verge.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.aws.ApiHandler;
import dev.verge.cloud.events.EventRules;
import dev.verge.cloud.events.EventSource;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * infra/aws/template.yaml against the code: the handler classes of the Lambda jar, the environment variables
 * its classes read, the routes of the cloud API, and the resources every function needs (alias with SnapStart,
 * log retention, error alarm, dead letters for asynchronous events, least-privilege policies).
 */
class AwsTemplateTest {

    private static final String LAMBDA_JAR = "functions/aws/target/verge-functions-aws.jar";

    /**
     * Variables the code reads that a deployment deliberately leaves unset, and why. A variable the code
     * reads that is neither set by the template nor listed here fails {@link #environment_ofEveryFunction_setsEveryVariableTheCodeReads}.
     */
    private static final Map<String, String> UNSET_ON_PURPOSE = Map.of(
            "VERGE_AWS_ENDPOINT", "emulators only (LocalStack)",
            "VERGE_S3_ENDPOINT", "emulators only (s3proxy)",
            "VERGE_DYNAMODB_ENDPOINT", "emulators only (dynalite)",
            "VERGE_INSECURE_LOCAL", "switches API keys off: never in a deployment",
            "VERGE_TMPDIR", "java.io.tmpdir is /tmp on Lambda, which is what it should be",
            "VERGE_INTRA_OP_THREADS", "the default follows availableProcessors, i.e. the vCPUs Lambda gives for the MemorySize");

    /** Variables whose value is a credential: they must come from Secrets Manager, never from the template. */
    private static final Pattern SECRET_NAME = Pattern.compile("VERGE_.*_(KEY|KEYS|SECRET|SECRETS|TOKEN|PASSWORD)(_[A-Z0-9_]+)?");

    /** Event sources that invoke a function asynchronously: failures must end somewhere. */
    private static final Set<String> ASYNC_EVENTS = Set.of("S3", "EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2", "SNS");

    private final SamTemplate template = SamTemplate.load();

    private static Path lambdaJar() {
        return Repository.artifact(LAMBDA_JAR, "functions/aws");
    }

    private static Class<?> handlerClass(String handler) throws ClassNotFoundException {
        return Class.forName(handler.substring(0, handler.indexOf("::")), false, AwsTemplateTest.class.getClassLoader());
    }

    private static boolean isHandler(Class<?> type) {
        return RequestStreamHandler.class.isAssignableFrom(type) || RequestHandler.class.isAssignableFrom(type);
    }

    @Test
    void handlers_namedByTheTemplate_areInTheLambdaJarWithTheLambdaSignature() throws Exception {
        Set<String> jarEntries = jarEntries(lambdaJar());
        assertThat(template.functions()).isNotEmpty();
        for (var function : template.functions().entrySet()) {
            String handler = function.getValue().path("Properties").path("Handler").asText();
            assertThat(handler).as(function.getKey() + " Handler").matches("[\\w.$]+::\\w+");
            assertThat(jarEntries).as(function.getKey() + ": " + handler + " in " + LAMBDA_JAR)
                    .contains(handler.substring(0, handler.indexOf("::")).replace('.', '/') + ".class");
            Class<?> type = handlerClass(handler);
            assertThat(isHandler(type)).as(type + " implements RequestStreamHandler or RequestHandler").isTrue();
            assertThat(Modifier.isPublic(type.getModifiers()) && !Modifier.isAbstract(type.getModifiers())).isTrue();
            assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).as(type + " has a public no-argument constructor").isTrue();
            String methodName = handler.substring(handler.indexOf("::") + 2);
            List<Method> methods = Arrays.stream(type.getMethods())
                    .filter(m -> m.getName().equals(methodName) && !m.isBridge())
                    .filter(m -> m.getParameterCount() >= 2 && m.getParameterTypes()[m.getParameterCount() - 1] == Context.class)
                    .toList();
            assertThat(methods).as(handler + " is a method (..., Context)").isNotEmpty();
        }
    }

    @Test
    void handlerClasses_inTheLambdaJar_areEachDeployedByAFunction() throws Exception {
        Set<String> deployed = new TreeSet<>();
        template.functions().values().forEach(f -> {
            String handler = f.path("Properties").path("Handler").asText();
            deployed.add(handler.substring(0, handler.indexOf("::")));
        });
        Set<String> handlers = new TreeSet<>();
        for (String entry : jarEntries(lambdaJar())) {
            if (!entry.startsWith("dev/verge/") || !entry.endsWith(".class") || entry.contains("$")) {
                continue;
            }
            String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
            try {
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (isHandler(type) && Modifier.isPublic(type.getModifiers()) && !Modifier.isAbstract(type.getModifiers())) {
                    handlers.add(name);
                }
            } catch (ClassNotFoundException | LinkageError notOnTestClassPath) {
                // a class of the jar this test cannot load is no handler of ours
            }
        }
        assertThat(handlers).contains(ApiHandler.class.getName());
        assertThat(deployed)
                .as("every Lambda handler class in %s needs an AWS::Serverless::Function in infra/aws/template.yaml", LAMBDA_JAR)
                .containsAll(handlers);
    }

    @Test
    void codeUri_ofEveryFunction_isTheShadedJarThatSamBuildCopiesAsIs() {
        for (var function : template.functions().entrySet()) {
            JsonNode codeUri = template.property(function.getValue(), "CodeUri");
            Path resolved = template.file.getParent().resolve(codeUri.asText()).normalize();
            assertThat(resolved).as(function.getKey() + " CodeUri (relative to the template)")
                    .isEqualTo(Repository.root().resolve(LAMBDA_JAR));
            assertThat(function.getValue().path("Metadata").path("SkipBuild").asBoolean())
                    .as(function.getKey() + ": Metadata SkipBuild, so sam build copies the prebuilt jar").isTrue();
            assertThat(template.property(function.getValue(), "Runtime").asText()).isEqualTo("java21");
        }
    }

    @Test
    void environment_ofEveryFunction_setsEveryVariableTheCodeReads() {
        CodeSettings read = CodeSettings.of(List.of(lambdaJar()));
        assertThat(read.names()).as("variables found in the jar").contains("VERGE_MODELS_BUCKET", "VERGE_API_KEYS");
        for (var function : template.functions().entrySet()) {
            Set<String> set = template.environment(function.getValue()).keySet();
            Set<String> missing = read.missing(set::contains, set, UNSET_ON_PURPOSE);
            assertThat(missing)
                    .as("%s: the Lambda jar reads these variables, which infra/aws/template.yaml does not set"
                            + " (set them under Globals.Function.Environment, or list them in UNSET_ON_PURPOSE with a reason)",
                            function.getKey())
                    .isEmpty();
        }
    }

    @Test
    void environment_setsNoVergeVariableTheCodeDoesNotRead() {
        CodeSettings read = CodeSettings.of(List.of(lambdaJar()));
        for (var function : template.functions().entrySet()) {
            Set<String> stale = new TreeSet<>(template.environment(function.getValue()).keySet());
            stale.removeIf(name -> !name.startsWith("VERGE_") || read.reads(name));
            assertThat(stale).as("%s sets variables no class of the Lambda jar reads", function.getKey()).isEmpty();
            assertThat(template.environment(function.getValue()).keySet())
                    .as("set on purpose only where a deployment needs them").doesNotContainAnyElementsOf(UNSET_ON_PURPOSE.keySet());
        }
    }

    @Test
    void secrets_comeFromSecretsManagerReferences_neverFromPlainValues() {
        Set<String> secretResources = template.resourcesOfType("AWS::SecretsManager::Secret").keySet();
        Pattern reference = Pattern.compile("\\{\\{resolve:secretsmanager:\\$\\{(\\w+)}(:SecretString(:[\\w-]*)?)?}}");
        int checked = 0;
        for (var function : template.functions().entrySet()) {
            for (var variable : template.environment(function.getValue()).entrySet()) {
                if (!SECRET_NAME.matcher(variable.getKey()).matches()) {
                    continue;
                }
                JsonNode value = variable.getValue();
                assertThat(value.isTextual()).as("%s %s must not be a plain value in the template", function.getKey(), variable.getKey()).isFalse();
                Matcher m = reference.matcher(value.path("Fn::Sub").asText());
                assertThat(m.matches()).as("%s %s is a {{resolve:secretsmanager:${Secret}:SecretString}} reference, found %s",
                        function.getKey(), variable.getKey(), value).isTrue();
                // a secret of this stack, or a parameter naming one the operator made (a key that cannot be generated)
                assertThat(secretResources.contains(m.group(1)) || template.root.path("Parameters").has(m.group(1)))
                        .as("%s refers to a secret of the template or a parameter, found %s", variable.getKey(), m.group(1)).isTrue();
                checked++;
            }
        }
        assertThat(checked).as("VERGE_API_KEYS at least").isPositive();
        for (var secret : template.resourcesOfType("AWS::SecretsManager::Secret").entrySet()) {
            assertThat(secret.getValue().path("Properties").has("SecretString"))
                    .as(secret.getKey() + ": generated or put by the operator, never written in the template").isFalse();
        }
    }

    @Test
    void httpApi_declaresExactlyTheRoutesTheApiServes() {
        Set<String> declared = new TreeSet<>();
        Set<String> apis = new TreeSet<>();
        for (JsonNode function : template.functions().values()) {
            function.path("Properties").path("Events").properties().forEach(e -> {
                JsonNode event = e.getValue();
                if (event.path("Type").asText().equals("HttpApi")) {
                    JsonNode p = event.path("Properties");
                    declared.add(p.path("Method").asText().toUpperCase() + " " + p.path("Path").asText());
                    apis.add(SamTemplate.referencedResource(p.path("ApiId")));
                }
            });
        }
        List<String> served = CloudRoutes.served();
        List<String> missing = new ArrayList<>(served);
        missing.removeAll(declared);
        assertThat(missing)
                .as("routes the cloud API serves that the HTTP API does not route to ApiFunction; add to its Events, e.g.%n%s",
                        String.join("\n", missing.stream().map(AwsTemplateTest::eventYaml).toList()))
                .isEmpty();
        assertThat(declared).as("routes declared in the template that the API does not serve").containsExactlyInAnyOrderElementsOf(served);
        assertThat(apis).containsExactly("HttpApi");
        assertThat(template.resources().path("HttpApi").path("Type").asText()).isEqualTo("AWS::Serverless::HttpApi");
    }

    private static String eventYaml(String route) {
        String[] parts = route.split(" ", 2);
        return "        <Name>:\n          Type: HttpApi\n          Properties: {ApiId: {Ref: HttpApi}, Method: " + parts[0]
                + ", Path: \"" + parts[1] + "\"}";
    }

    @Test
    void everyFunction_isPublishedWithSnapStartAndLogsWithRetentionAndHasAnErrorAlarm() {
        Map<String, JsonNode> alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
        for (var function : template.functions().entrySet()) {
            JsonNode f = function.getValue();
            assertThat(template.property(f, "SnapStart").path("ApplyOn").asText()).as(function.getKey()).isEqualTo("PublishedVersions");
            assertThat(template.property(f, "AutoPublishAlias").asText()).as(function.getKey() + " alias").isNotBlank();
            assertThat(template.property(f, "EphemeralStorage").path("Size").asInt(512))
                    .as("SnapStart allows at most 512 MB of /tmp").isLessThanOrEqualTo(512);
            String logGroup = SamTemplate.referencedResource(template.property(f, "LoggingConfig").path("LogGroup"));
            assertThat(logGroup).as(function.getKey() + " LoggingConfig.LogGroup").isNotNull();
            JsonNode group = template.resources().path(logGroup);
            assertThat(group.path("Type").asText()).isEqualTo("AWS::Logs::LogGroup");
            assertThat(group.path("Properties").has("RetentionInDays")).as(logGroup + " retention").isTrue();
            assertThat(alarms.values()).as(function.getKey() + " has an alarm on its Errors")
                    .anyMatch(a -> a.path("Properties").path("MetricName").asText().equals("Errors")
                            && function.getKey().equals(SamTemplate.referencedResource(a.path("Properties").path("Dimensions").get(0).path("Value"))));
        }
        assertThat(alarms.values()).allMatch(a -> a.path("Properties").path("AlarmActions").size() > 0);
    }

    @Test
    void asynchronouslyInvokedFunctions_sendFailedEventsToTheDeadLetterQueue() {
        int async = 0;
        for (var function : template.functions().entrySet()) {
            boolean isAsync = false;
            for (var event : function.getValue().path("Properties").path("Events").properties()) {
                isAsync |= ASYNC_EVENTS.contains(event.getValue().path("Type").asText());
            }
            if (!isAsync) {
                continue;
            }
            async++;
            JsonNode dlq = template.property(function.getValue(), "DeadLetterQueue");
            String queue = SamTemplate.referencedResource(dlq.path("TargetArn"));
            assertThat(queue).as(function.getKey() + " DeadLetterQueue").isNotNull();
            assertThat(template.resources().path(queue).path("Type").asText()).isEqualTo("AWS::SQS::Queue");
        }
        assertThat(async).as("the S3 upload function at least").isPositive();
    }

    @Test
    void functionPolicies_grantNamedActionsOnNamedResourcesOnly() {
        for (var function : template.functions().entrySet()) {
            JsonNode policies = function.getValue().path("Properties").path("Policies");
            assertThat(policies.isArray()).as(function.getKey() + " has its own Policies").isTrue();
            for (JsonNode policy : policies) {
                assertThat(policy.isObject() && policy.has("Statement"))
                        .as(function.getKey() + ": inline statements (no managed policy names): " + policy).isTrue();
                for (JsonNode statement : policy.path("Statement")) {
                    for (JsonNode action : statement.path("Action")) {
                        assertThat(action.asText()).as(function.getKey()).doesNotContain("*");
                    }
                    JsonNode resource = statement.path("Resource");
                    assertThat(resource.isTextual() && resource.asText().equals("*")).as(function.getKey() + " Resource *").isFalse();
                    assertThat(resource.path("Fn::Sub").asText()).doesNotEndWith(":*").doesNotEndWith(":::*");
                }
            }
        }
    }

    @Test
    void buckets_areVersionedEncryptedAndNeverPublic() {
        Map<String, JsonNode> buckets = template.resourcesOfType("AWS::S3::Bucket");
        assertThat(buckets).containsKeys("ModelsBucket", "SamplesBucket");
        for (var bucket : buckets.entrySet()) {
            JsonNode p = bucket.getValue().path("Properties");
            assertThat(p.path("VersioningConfiguration").path("Status").asText()).as(bucket.getKey()).isEqualTo("Enabled");
            assertThat(p.at("/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/SSEAlgorithm").asText())
                    .as(bucket.getKey()).isIn("AES256", "aws:kms", "aws:kms:dsse");
            for (String block : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
                assertThat(p.path("PublicAccessBlockConfiguration").path(block).asBoolean()).as(bucket.getKey() + " " + block).isTrue();
            }
            assertThat(bucket.getValue().path("DeletionPolicy").asText()).as(bucket.getKey()).isEqualTo("Retain");
        }
    }

    @Test
    void modelsBucket_isTheOneTheFunctionsReadAndTheUploadEventWatches() {
        String bucketName = template.resources().at("/ModelsBucket/Properties/BucketName/Fn::Sub").asText();
        assertThat(bucketName).isNotBlank();
        JsonNode upload = template.functions().get("S3UploadFunction");
        for (JsonNode function : template.functions().values()) {
            assertThat(template.environment(function).get("VERGE_MODELS_BUCKET").path("Fn::Sub").asText()).isEqualTo(bucketName);
        }
        JsonNode event = upload.at("/Properties/Events/PackageUploaded");
        assertThat(event.path("Type").asText()).isEqualTo("S3");
        assertThat(SamTemplate.referencedResource(event.at("/Properties/Bucket"))).isEqualTo("ModelsBucket");
        assertThat(event.at("/Properties/Events").asText()).isEqualTo("s3:ObjectCreated:*");
    }

    @Test
    void eventRules_default_parsesAndCountsBlobsOfTheModelsBucketOnly() {
        String bucketName = template.resources().at("/ModelsBucket/Properties/BucketName/Fn::Sub").asText();
        for (JsonNode function : template.functions().values()) {
            JsonNode rules = template.environment(function).get("VERGE_EVENT_RULES");
            assertThat(rules.at("/Fn::If/0").asText()).isEqualTo("HasEventRules");
            assertThat(rules.at("/Fn::If/1/Ref").asText()).as("the EventRules parameter when given").isEqualTo("EventRules");
            String text = rules.at("/Fn::If/2/Fn::Sub").asText();
            String bucket = bucketName.replace("${NamePrefix}", "verge").replace("${Stage}", "prod")
                    .replace("${AWS::AccountId}", "123456789012").replace("${AWS::Region}", "eu-west-1");
            EventRules parsed = EventRules.parse(text.replace(bucketName, bucket));
            assertThat(parsed.blobRule(bucket, "models/fruit-quality/3/package.zip")).isPresent();
            assertThat(parsed.blobRule("someone-elses-bucket", "models/fruit-quality/3/package.zip")).isEmpty();
            assertThat(parsed.repositoryRule(EventSource.EVENTBRIDGE, "verge/fruit-quality")).as("ECR pushes still count")
                    .hasValueSatisfying(rule -> {
                        assertThat(rule.versionOf("3")).contains("3");
                        assertThat(rule.promotionOf("prod")).isPresent();
                    });
            for (EventSource webhook : EventSource.WEBHOOKS) {
                assertThat(parsed.repositoryRule(webhook, "verge/fruit-quality")).as("%s registers only", webhook)
                        .hasValueSatisfying(rule -> {
                            assertThat(rule.promotionOf("prod")).isEmpty();
                            assertThat(rule.archive()).isFalse();
                        });
            }
        }
    }

    @Test
    void eventBridgeRules_matchTheEventsTheHandlerReads_andTheScheduleTicksEveryMinute() {
        JsonNode events = template.functions().get("EventBridgeFunction").at("/Properties/Events");
        JsonNode ecr = events.at("/EcrImageAction/Properties/Pattern");
        assertThat(ecr.at("/source/0").asText()).isEqualTo("aws.ecr");
        assertThat(ecr.at("/detail-type/0").asText()).isEqualTo("ECR Image Action");
        JsonNode s3 = events.at("/ModelsBucketObjectCreated/Properties/Pattern");
        assertThat(s3.at("/source/0").asText()).isEqualTo("aws.s3");
        assertThat(s3.at("/detail-type/0").asText()).isEqualTo("Object Created");
        assertThat(s3.at("/detail/bucket/name/0/Fn::Sub").asText())
                .isEqualTo(template.resources().at("/ModelsBucket/Properties/BucketName/Fn::Sub").asText());
        assertThat(template.resources().at("/ModelsBucket/Properties/NotificationConfiguration/EventBridgeConfiguration/EventBridgeEnabled")
                .asBoolean()).as("the bucket sends its events to EventBridge").isTrue();
        JsonNode tick = template.functions().get("RolloutTickFunction").at("/Properties/Events/EveryMinute");
        assertThat(tick.path("Type").asText()).isEqualTo("Schedule");
        assertThat(tick.at("/Properties/Schedule").asText()).isEqualTo("rate(1 minute)");
    }

    @Test
    void table_isOnDemandWithPointInTimeRecoveryAndTheKeysOfTheStore() throws Exception {
        JsonNode table = template.resources().path("MetadataTable");
        assertThat(table.path("Type").asText()).isEqualTo("AWS::DynamoDB::Table");
        JsonNode p = table.path("Properties");
        assertThat(p.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(p.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean()).isTrue();
        Class<?> store = Class.forName("dev.verge.cloud.aws.DynamoDbMetadataStore");
        Map<String, String> keys = new TreeMap<>();
        p.path("KeySchema").forEach(k -> keys.put(k.path("KeyType").asText(), k.path("AttributeName").asText()));
        assertThat(keys).containsEntry("HASH", constant(store, "PK")).containsEntry("RANGE", constant(store, "SK")).hasSize(2);
        p.path("AttributeDefinitions").forEach(a -> assertThat(a.path("AttributeType").asText()).isEqualTo("S"));
        assertThat(p.at("/TimeToLiveSpecification/Enabled").asBoolean()).isTrue();
        assertThat(p.at("/TimeToLiveSpecification/AttributeName").asText()).isEqualTo(constant(store, "EXPIRES"));
        for (JsonNode function : template.functions().values()) {
            assertThat(SamTemplate.referencedResource(template.environment(function).get("VERGE_TABLE"))).isEqualTo("MetadataTable");
        }
    }

    private static String constant(Class<?> type, String name) throws ReflectiveOperationException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return (String) field.get(null);
    }

    @Test
    void parametersAndOutputs_nameTheStageTheApiUrlAndTheBuckets() {
        assertThat(template.root.path("Parameters").has("Stage")).isTrue();
        assertThat(template.root.path("Parameters").has("NamePrefix")).isTrue();
        JsonNode outputs = template.root.path("Outputs");
        assertThat(outputs.at("/ApiUrl/Value/Fn::Sub").asText()).contains("${HttpApi}");
        assertThat(SamTemplate.referencedResource(outputs.at("/ModelsBucketName/Value"))).isEqualTo("ModelsBucket");
        assertThat(SamTemplate.referencedResource(outputs.at("/SamplesBucketName/Value"))).isEqualTo("SamplesBucket");
    }

    @Test
    void samconfig_atTheRoot_buildsThisTemplate() throws IOException {
        List<String> lines = java.nio.file.Files.readAllLines(Repository.root().resolve("samconfig.toml"));
        int build = lines.indexOf("[default.build.parameters]");
        assertThat(build).as("samconfig.toml has [default.build.parameters]").isNotNegative();
        String templateFile = lines.stream().skip(build + 1).takeWhile(l -> !l.startsWith("["))
                .filter(l -> l.startsWith("template_file")).findFirst().orElseThrow()
                .replaceAll("^template_file\\s*=\\s*\"(.*)\"$", "$1");
        assertThat(Repository.root().resolve(templateFile)).isEqualTo(template.file);
        assertThat(lines).as("sam deploy must use the built template, so no template_file outside build/validate")
                .filteredOn(l -> l.startsWith("template_file")).hasSize(2);
        assertThat(lines).contains("capabilities = \"CAPABILITY_IAM\"");
    }

    private static Set<String> jarEntries(Path jar) throws IOException {
        Set<String> names = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                names.add(e.nextElement().getName());
            }
        }
        return names;
    }
}
