package dev.verge.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * infra/azure/main.bicep and the repository's host.json against what azure-functions:package generated
 * (function.json per function: bindings, routes, connection and %setting% names) and against the app settings
 * the classes of the staging folder read, and the routes the cloud API serves.
 */
class AzureTemplateTest {

    private static final String STAGING = "functions/azure/target/azure-functions/verge-functions";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Settings the code reads that the deployment leaves unset on purpose, and why. */
    private static final Map<String, String> UNSET_ON_PURPOSE = Map.of(
            "VERGE_API_KEY", "the single-key spelling of VERGE_API_KEYS, which is set",
            "VERGE_INSECURE_LOCAL", "switches API keys off: never in a deployment",
            "VERGE_TMPDIR", "java.io.tmpdir of the Functions host is right",
            "VERGE_MAX_PACKAGE_MB", "the registry's default limit (512 MB) fits a 2 GB Flex Consumption instance",
            "VERGE_INTRA_OP_THREADS", "the default follows availableProcessors, i.e. the cores of the instance size");

    /**
     * Event Grid subscriptions in main.bicep whose function does not exist yet, and why; each must disappear from
     * here when its function arrives (checked), so a renamed function cannot hide behind this list.
     */
    private static final Map<String, String> PENDING_FUNCTIONS = Map.of();

    private static final Pattern SECRET_NAME = Pattern.compile("VERGE_.*_(KEY|KEYS|SECRET|SECRETS|TOKEN|PASSWORD)(_[A-Z0-9_]+)?");
    private static final Set<String> BUILT_IN_BINDINGS = Set.of("httpTrigger", "http", "timerTrigger");
    private static final List<String> IDENTITY_SUFFIXES = List.of("__accountName", "__blobServiceUri", "__serviceUri");

    private final BicepFile bicep = BicepFile.load();

    private static Path staging() {
        return Repository.artifact(STAGING, "functions/azure");
    }

    private static Map<String, JsonNode> functionJsons() throws IOException {
        Map<String, JsonNode> functions = new LinkedHashMap<>();
        try (Stream<Path> entries = Files.list(staging())) {
            for (Path dir : entries.sorted().toList()) {
                Path json = dir.resolve("function.json");
                if (Files.exists(json)) {
                    functions.put(dir.getFileName().toString(), JSON.readTree(json.toFile()));
                }
            }
        }
        assertThat(functions).as("function.json files in " + STAGING).isNotEmpty();
        return functions;
    }

    private static List<Path> stagingJars() throws IOException {
        List<Path> jars = new ArrayList<>();
        for (Path dir : List.of(staging(), staging().resolve("lib"))) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
            }
        }
        return jars;
    }

    private boolean connectionIsSet(String connection) {
        Map<String, String> settings = bicep.appSettings();
        return settings.containsKey(connection) || IDENTITY_SUFFIXES.stream().anyMatch(s -> settings.containsKey(connection + s));
    }

    @Test
    void bindings_connectionsAndSettingReferences_areAllSetByTheAppSettings() throws IOException {
        Pattern reference = Pattern.compile("%(\\w+)%");
        for (var function : functionJsons().entrySet()) {
            for (JsonNode binding : function.getValue().path("bindings")) {
                if (binding.has("connection")) {
                    assertThat(connectionIsSet(binding.get("connection").asText()))
                            .as("%s: connection %s (or %s__accountName) in main.bicep appSettings", function.getKey(),
                                    binding.get("connection").asText(), binding.get("connection").asText())
                            .isTrue();
                }
                for (var field : binding.properties()) {
                    Matcher m = reference.matcher(field.getValue().asText());
                    while (m.find()) {
                        assertThat(bicep.appSettings()).as("%s: %s refers to app setting %%%s%%", function.getKey(), field.getKey(), m.group(1))
                                .containsKey(m.group(1));
                    }
                }
                String type = binding.path("type").asText();
                if (type.endsWith("Trigger") && !type.equals("httpTrigger") && !type.equals("eventGridTrigger")) {
                    // blob, queue and timer triggers keep their leases and receipts in the host's storage
                    assertThat(connectionIsSet("AzureWebJobsStorage")).as(function.getKey() + " needs AzureWebJobsStorage").isTrue();
                }
            }
        }
    }

    @Test
    void appSettings_setEverySettingTheCodeReads() throws IOException {
        CodeSettings read = CodeSettings.of(stagingJars());
        assertThat(read.names()).contains("VERGE_STORAGE", "VERGE_API_KEYS");
        Set<String> missing = read.missing(this::connectionIsSet, bicep.appSettings().keySet(), UNSET_ON_PURPOSE);
        assertThat(missing)
                .as("the classes of %s read these settings, which main.bicep's appSettings do not set"
                        + " (add them, or list them in UNSET_ON_PURPOSE with a reason)", STAGING)
                .isEmpty();
    }

    @Test
    void appSettings_setNoVergeSettingTheCodeDoesNotRead() throws IOException {
        Set<String> strings = ClassConstants.strings(stagingJars(), "dev/verge/");
        CodeSettings read = CodeSettings.of(stagingJars());
        Set<String> stale = new TreeSet<>();
        for (String name : bicep.appSettings().keySet()) {
            if (!name.startsWith("VERGE_")) {
                continue;
            }
            // identity-based connections: NAME__suffix, where the code composes the suffix onto a setting name
            // (javac keeps "\u0001__suffix" as the recipe of that concatenation)
            int split = name.indexOf("__");
            String suffix = split < 0 ? null : name.substring(split);
            boolean isRead = split < 0
                    ? read.reads(name)
                    : strings.contains(name.substring(0, split)) && strings.stream().anyMatch(s -> s.endsWith(suffix));
            if (!isRead) {
                stale.add(name);
            }
        }
        assertThat(stale).as("main.bicep sets settings no class of the staging folder reads").isEmpty();
        assertThat(bicep.appSettings().keySet()).doesNotContainAnyElementsOf(UNSET_ON_PURPOSE.keySet());
    }

    @Test
    void secrets_areKeyVaultReferences_andTheTemplateHoldsNoStorageKey() {
        Map<String, String> resources = bicep.resources();
        Pattern reference = Pattern.compile("'@Microsoft\\.KeyVault\\(SecretUri=\\$\\{(\\w+)\\.properties\\.secretUri}\\)'");
        int secrets = 0;
        for (var setting : bicep.appSettings().entrySet()) {
            if (!setting.getKey().startsWith("VERGE_") || !SECRET_NAME.matcher(setting.getKey()).matches()) {
                continue;
            }
            Matcher m = reference.matcher(setting.getValue());
            assertThat(m.matches()).as("%s is a Key Vault reference, found %s", setting.getKey(), setting.getValue()).isTrue();
            assertThat(resources.get(m.group(1))).isEqualTo("Microsoft.KeyVault/vaults/secrets");
            assertThat(bicep.resourceBody(m.group(1))).as("the secret's value comes from a @secure() parameter").containsPattern("value: \\w+\\n");
            secrets++;
        }
        assertThat(secrets).as("VERGE_API_KEYS at least").isPositive();
        bicep.params().stream().filter(p -> p.name().matches("(?i).*(key|keys|secret|secrets|token|password)"))
                .forEach(p -> assertThat(p.secure()).as("param " + p.name() + " is @secure()").isTrue());
        assertThat(bicep.text).doesNotContain("listKeys(").doesNotContain("AccountKey=");
        assertThat(bicep.resourceBody("storage")).contains("allowSharedKeyAccess: false");
    }

    @Test
    void eventGridFunctions_eachGetASubscription_andEverySubscriptionTargetsAFunction() throws IOException {
        Set<String> eventGridFunctions = new TreeSet<>();
        for (var function : functionJsons().entrySet()) {
            if (function.getValue().at("/bindings/0/type").asText().equals("eventGridTrigger")) {
                eventGridFunctions.add(function.getKey());
            }
        }
        Set<String> targets = bicep.eventGridFunctionTargets();
        assertThat(targets).as("Event Grid subscriptions in main.bicep deliver to every eventGridTrigger function")
                .containsAll(eventGridFunctions);
        Set<String> unknown = new TreeSet<>(targets);
        unknown.removeAll(eventGridFunctions);
        assertThat(unknown).as("subscriptions to functions that do not exist (or list them in PENDING_FUNCTIONS)")
                .isSubsetOf(PENDING_FUNCTIONS.keySet());
        assertThat(eventGridFunctions).as("a pending function has arrived: remove it from PENDING_FUNCTIONS")
                .noneMatch(PENDING_FUNCTIONS::containsKey);
        assertThat(bicep.resourceBody("blobCreatedSubscription"))
                .contains("'Microsoft.Storage.BlobCreated'")
                .contains("/containers/${modelsContainer}/")
                .contains("functions/modelBlobCreated");
        assertThat(bicep.resourceBody("imagePushedSubscription")).contains("'Microsoft.ContainerRegistry.ImagePushed'")
                .contains("functions/eventGrid");
    }

    @Test
    void routes_servedByTheApi_eachReachAnHttpTrigger() throws IOException {
        String prefix = JSON.readTree(Repository.root().resolve("host.json").toFile()).at("/extensions/http/routePrefix").asText("api");
        record Trigger(String function, Pattern route, Set<String> methods) {}
        List<Trigger> triggers = new ArrayList<>();
        for (var function : functionJsons().entrySet()) {
            for (JsonNode binding : function.getValue().path("bindings")) {
                if (binding.path("type").asText().equals("httpTrigger")) {
                    Set<String> methods = new TreeSet<>();
                    binding.path("methods").forEach(m -> methods.add(m.asText().toUpperCase()));
                    String route = (prefix.isEmpty() ? "" : prefix + "/") + binding.path("route").asText(function.getKey());
                    triggers.add(new Trigger(function.getKey(), routePattern(route), methods));
                }
            }
        }
        List<String> unreachable = new ArrayList<>();
        for (String route : CloudRoutes.served()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^/]+}", "x").substring(1);
            boolean reached = triggers.stream().anyMatch(t -> t.route().matcher(path).matches()
                    && (t.methods().isEmpty() || t.methods().contains(method)));
            if (!reached) {
                unreachable.add(route);
            }
        }
        assertThat(unreachable).as("routes the API serves that no HTTP trigger of %s receives (routePrefix '%s')", STAGING, prefix).isEmpty();
    }

    /** An Azure Functions route template as a regex: {name} one segment, {name?} one or none, {*name} the rest. */
    static Pattern routePattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String segment : template.split("/")) {
            if (segment.startsWith("{") && segment.endsWith("?}")) {
                regex.append("(?:/[^/]+)?");
                continue;
            }
            if (!regex.isEmpty()) {
                regex.append('/');
            }
            if (segment.startsWith("{*")) {
                regex.append(".+");
            } else if (segment.startsWith("{")) {
                regex.append("[^/]+");
            } else {
                regex.append(Pattern.quote(segment));
            }
        }
        return Pattern.compile(regex.toString());
    }

    @Test
    void functionApp_isJava21OnLinuxFlexConsumption_withAManagedIdentity() {
        String app = bicep.resourceBody("functionApp");
        assertThat(bicep.resources()).containsEntry("functionApp", "Microsoft.Web/sites").containsEntry("plan", "Microsoft.Web/serverfarms");
        assertThat(app).contains("kind: 'functionapp,linux'").contains("name: 'java'").contains("version: '21'")
                .contains("httpsOnly: true").contains("keyVaultReferenceIdentity: identity.id")
                .contains("userAssignedIdentities").contains("appSettings: [for setting in items(appSettings)");
        assertThat(bicep.resourceBody("plan")).contains("tier: 'FlexConsumption'");
        assertThat(bicep.appSettings()).containsKeys("AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId",
                "AzureWebJobsStorage__credential", "APPLICATIONINSIGHTS_CONNECTION_STRING");
        assertThat(bicep.appSettings().get("VERGE_STORAGE__clientId")).isEqualTo("identity.properties.clientId");
    }

    @Test
    void storage_holdsTheContainersAndTableTheSettingsName() {
        Map<String, String> settings = bicep.appSettings();
        assertThat(settings.get("VERGE_MODELS_CONTAINER")).isEqualTo("modelsContainer");
        assertThat(settings.get("VERGE_TABLE")).isEqualTo("metadataTable");
        assertThat(bicep.stringVariable("modelsContainer")).isEqualTo("models");
        assertThat(bicep.stringVariable("samplesContainer")).isEqualTo("samples");
        assertThat(bicep.resourceBody("modelsBlobContainer")).contains("name: modelsContainer").contains("publicAccess: 'None'");
        assertThat(bicep.resourceBody("samplesBlobContainer")).contains("name: samplesContainer").contains("publicAccess: 'None'");
        assertThat(bicep.resourceBody("table")).contains("name: metadataTable");
        assertThat(bicep.resourceBody("storage")).contains("allowBlobPublicAccess: false").contains("minimumTlsVersion: 'TLS1_2'");
        assertThat(bicep.resourceBody("blobService")).contains("isVersioningEnabled: true");
        assertThat(bicep.resourceTypes()).contains("Microsoft.Insights/components", "Microsoft.KeyVault/vaults",
                "Microsoft.EventGrid/systemTopics", "Microsoft.EventGrid/systemTopics/eventSubscriptions",
                "Microsoft.ManagedIdentity/userAssignedIdentities", "Microsoft.Storage/storageAccounts/tableServices/tables");
    }

    @Test
    void identity_getsTheDataRolesTheStoresAndTheHostUse_andTheAppWaitsForThem() {
        Map<String, String> roleIds = Map.of(
                "storageBlobDataOwner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
                "storageQueueDataContributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
                "storageTableDataContributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
                "keyVaultSecretsUser", "4633458b-17de-408a-b874-0445c86b69e6");
        String app = bicep.resourceBody("functionApp");
        for (var role : roleIds.entrySet()) {
            assertThat(bicep.text).contains("var " + role.getKey() + " = '" + role.getValue() + "'");
            String assignment = bicep.resources().entrySet().stream()
                    .filter(r -> r.getValue().equals("Microsoft.Authorization/roleAssignments"))
                    .map(r -> r.getKey())
                    .filter(name -> bicep.resourceBody(name).contains(role.getKey() + ")")
                            && bicep.resourceBody(name).contains("principalId: identity.properties.principalId"))
                    .findFirst().orElseThrow(() -> new AssertionError("no role assignment of " + role.getKey() + " to the identity"));
            assertThat(app).as("the app depends on " + assignment).containsPattern("\\n\\s+" + assignment + "\\n");
        }
    }

    @Test
    void parametersFile_namesOnlyParameters_andEveryRequiredOneExceptSecrets() throws IOException {
        JsonNode file = JSON.readTree(Repository.infra().resolve("azure/main.parameters.json").toFile()).path("parameters");
        Set<String> declared = new TreeSet<>();
        bicep.params().forEach(p -> declared.add(p.name()));
        file.fieldNames().forEachRemaining(name -> assertThat(declared).as("main.parameters.json names " + name).contains(name));
        for (BicepFile.Param p : bicep.params()) {
            if (!p.hasDefault() && !p.secure()) {
                assertThat(file.has(p.name())).as("required param " + p.name() + " in main.parameters.json").isTrue();
            }
            if (p.secure()) {
                assertThat(file.has(p.name())).as("secure param " + p.name() + " is passed on the command line, never in a file").isFalse();
            }
        }
    }

    @Test
    void hostJson_bringsTheExtensionBundleForTheBindingsOutsideTheHost() throws IOException {
        JsonNode host = JSON.readTree(Repository.root().resolve("host.json").toFile());
        assertThat(host.path("version").asText()).isEqualTo("2.0");
        Set<String> types = new TreeSet<>();
        for (JsonNode function : functionJsons().values()) {
            function.path("bindings").forEach(b -> types.add(b.path("type").asText()));
        }
        types.removeAll(BUILT_IN_BINDINGS);
        if (!types.isEmpty()) {
            assertThat(host.at("/extensionBundle/id").asText()).as("bindings " + types + " come from the extension bundle")
                    .isEqualTo("Microsoft.Azure.Functions.ExtensionBundle");
            assertThat(host.at("/extensionBundle/version").asText()).startsWith("[4.");
        }
        assertThat(JSON.readTree(staging().resolve("host.json").toFile())).as("the staging folder carries the repository's host.json")
                .isEqualTo(host);
    }

    @Test
    void bicep_isBalanced_andEveryParentScopeAndDependencyIsADeclaredResource_andEveryParamAndVarIsUsed() {
        // what a compiler would catch first, for a file no compiler reads in this build
        String code = bicep.text.replaceAll("(?m)//.*$", "").replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''");
        for (String pair : List.of("{}", "[]", "()")) {
            int depth = 0;
            for (char c : code.toCharArray()) {
                depth += c == pair.charAt(0) ? 1 : c == pair.charAt(1) ? -1 : 0;
                assertThat(depth).as("closing %s without an opening one", pair.charAt(1)).isNotNegative();
            }
            assertThat(depth).as("unbalanced " + pair).isZero();
        }
        Set<String> declared = bicep.resources().keySet();
        Matcher references = Pattern.compile("(?m)^\\s+(?:parent|scope): (\\w+)$").matcher(code);
        while (references.find()) {
            assertThat(declared).contains(references.group(1));
        }
        Matcher dependsOn = Pattern.compile("dependsOn: \\[([^]]*)]").matcher(code);
        while (dependsOn.find()) {
            for (String name : dependsOn.group(1).strip().split("\\s+")) {
                assertThat(declared).as("dependsOn " + name).contains(name);
            }
        }
        String withInterpolations = bicep.text.replaceAll("(?m)//.*$", "");
        Matcher names = Pattern.compile("(?m)^(?:param|var) (\\w+) ").matcher(code);
        while (names.find()) {
            String name = names.group(1);
            assertThat(Pattern.compile("\\b" + name + "\\b").matcher(withInterpolations).results().count())
                    .as("%s is declared and used", name).isGreaterThan(1);
        }
    }
}
