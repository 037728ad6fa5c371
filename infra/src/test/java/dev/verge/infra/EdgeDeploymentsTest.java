package dev.verge.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.verge.edge.AgentOptions;
import dev.verge.edge.sync.SyncSettings;
import dev.verge.edge.telemetry.TelemetrySettings;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The edge deployment files (Dockerfile, systemd unit and its environment file, IoT Edge manifest, Greengrass
 * recipe) against {@link AgentOptions#all()}, the agent's own list of flags and variables (read from its picocli options): every variable
 * they set exists, every one they must give is given ({@link AgentOptions.Requirement}), every flag they pass
 * exists; and against the edge jar, whose
 * classes must read no VERGE_ variable that the options do not list.
 */
class EdgeDeploymentsTest {

    private static final String EDGE_JAR = "edge-agent/target/verge-edge-agent.jar";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path edge(String file) {
        return Repository.infra().resolve("edge").resolve(file);
    }

    private static Map<String, AgentOptions.Option> optionsByVariable() {
        Map<String, AgentOptions.Option> options = new LinkedHashMap<>();
        AgentOptions.all().forEach(o -> options.put(o.environmentVariable(), o));
        return options;
    }

    private static Set<String> variables(AgentOptions.Requirement requirement) {
        return AgentOptions.all().stream().filter(o -> o.requirement() == requirement)
                .map(AgentOptions.Option::environmentVariable).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Variables a deployment file sets: VERGE_ ones must be options; others must be read by the jar (XDG_CACHE_HOME).
     * A file that gives the agent a cloud (VERGE_CLOUD, a value or a slot for one) gives everything that goes
     * with it (WITH_CLOUD) and the state and journal places; a file without one gives the model (UNLESS_CLOUD).
     */
    private static void assertAgreesWithTheAgent(String file, Map<String, String> env) {
        Set<String> jarStrings = ClassConstants.strings(List.of(Repository.artifact(EDGE_JAR, "edge-agent")), "dev/verge/");
        for (String name : env.keySet()) {
            if (name.startsWith("VERGE_")) {
                assertThat(optionsByVariable()).as("%s sets %s, which is no option of the agent (AgentOptions.all())", file, name)
                        .containsKey(name);
            } else {
                assertThat(jarStrings).as("%s sets %s, which the agent does not read", file, name).contains(name);
            }
        }
        if (env.containsKey(SyncSettings.ENV_CLOUD)) {
            assertThat(env.keySet()).as("%s gives a cloud, so it gives what goes with it", file)
                    .containsAll(variables(AgentOptions.Requirement.WITH_CLOUD));
        } else {
            Set<String> given = new TreeSet<>(env.keySet());
            given.removeIf(name -> env.get(name).isBlank());
            assertThat(given).as("%s gives no cloud, so it gives the model", file)
                    .containsAll(variables(AgentOptions.Requirement.UNLESS_CLOUD));
        }
        assertStateAndJournalStayTogether(file, env);
    }

    /** Sync state and the telemetry journal live in one place the file keeps (a volume, StateDirectory, {work:path}). */
    private static void assertStateAndJournalStayTogether(String file, Map<String, String> env) {
        String stateDir = env.get(SyncSettings.ENV_STATE_DIR);
        assertThat(stateDir).as("%s sets %s (the default is under the home folder)", file, SyncSettings.ENV_STATE_DIR).isNotBlank();
        assertThat(env.get(TelemetrySettings.ENV_JOURNAL)).as("%s keeps the journal in the state directory", file)
                .isEqualTo(stateDir + "/telemetry.db");
    }

    private static void assertFlagsExist(String file, String commandLine) {
        Set<String> flags = AgentOptions.all().stream().map(AgentOptions.Option::flag).collect(Collectors.toSet());
        Matcher m = Pattern.compile("(?<=\\s)--[a-z][a-z0-9-]*").matcher(commandLine);
        while (m.find()) {
            assertThat(flags).as("%s passes %s", file, m.group()).contains(m.group());
        }
        assertThat(commandLine).as(file + " runs the agent jar").contains("verge-edge-agent.jar");
    }

    @Test
    void options_eachHaveAVergeVariable_andTheEdgeJarReadsNoOther() {
        assertThat(AgentOptions.all()).allMatch(o -> o.environmentVariable().startsWith("VERGE_") && o.flag().startsWith("--"));
        Set<String> read = ClassConstants.vergeVariables(List.of(Repository.artifact(EDGE_JAR, "edge-agent")));
        assertThat(optionsByVariable().keySet()).as("the jar's VERGE_ variables are all in AgentOptions.all(), which"
                + " deployment files are checked against").containsAll(read);
    }

    @Test
    void dockerfile_setsAgentVariablesOnly_exposesTheAgentPort_andRunsAsAnUnprivilegedUser() throws IOException {
        String dockerfile = Files.readString(edge("Dockerfile"));
        String joined = dockerfile.replaceAll("\\\\\\n", " ");
        Map<String, String> env = new LinkedHashMap<>();
        List<String> users = new ArrayList<>();
        String from = null;
        String entrypoint = null;
        Set<String> exposed = new TreeSet<>();
        for (String line : joined.lines().map(String::strip).toList()) {
            if (line.startsWith("ENV ")) {
                Matcher m = Pattern.compile("(\\w+)=(\\S+)").matcher(line.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(2));
                }
            } else if (line.startsWith("USER ")) {
                users.add(line.substring(5).strip());
            } else if (line.startsWith("FROM ")) {
                from = line.substring(5).strip();
            } else if (line.startsWith("ENTRYPOINT ")) {
                entrypoint = String.join(" ", JSON.readValue(line.substring(11), String[].class));
            } else if (line.startsWith("EXPOSE ")) {
                exposed.addAll(List.of(line.substring(7).strip().split("\\s+")));
            }
        }
        assertAgreesWithTheAgent("Dockerfile", env);
        assertThat(from).as("a JRE 25 base (FFM for libturbojpeg) with glibc").contains("25").contains("jre").doesNotContain("alpine");
        assertThat(users).isNotEmpty();
        assertThat(users.getLast()).doesNotStartWith("root").doesNotStartWith("0");
        String port = env.getOrDefault("VERGE_PORT", optionsByVariable().get("VERGE_PORT").defaultValue());
        assertThat(exposed).containsExactly(port);
        assertThat(entrypoint).isNotNull();
        assertFlagsExist("Dockerfile", " " + entrypoint);
        assertThat(joined).contains("COPY --chown=root:root " + Path.of(EDGE_JAR).getFileName());
        assertThat(joined).as("the state directory belongs to the agent's user")
                .containsPattern("chown verge:verge [^\\n]*" + Pattern.quote(env.get(SyncSettings.ENV_STATE_DIR)) + "\\b");
    }

    @Test
    void systemdUnit_setsAgentVariablesOnly_isHardened_andRestartsOnFailure() throws IOException {
        List<String> lines = Files.readAllLines(edge("verge-edge-agent.service")).stream()
                .map(String::strip).filter(l -> !l.startsWith("#") && l.contains("=")).toList();
        Map<String, List<String>> directives = new LinkedHashMap<>();
        for (String line : lines) {
            directives.computeIfAbsent(line.substring(0, line.indexOf('=')), k -> new ArrayList<>()).add(line.substring(line.indexOf('=') + 1));
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String assignment : directives.getOrDefault("Environment", List.of())) {
            Matcher m = Pattern.compile("\"?(\\w+)=([^\"\\s]*)\"?").matcher(assignment);
            while (m.find()) {
                env.put(m.group(1), m.group(2));
            }
        }
        assertAgreesWithTheAgent("verge-edge-agent.service", env);
        assertFlagsExist("verge-edge-agent.service", " " + directives.get("ExecStart").getFirst());
        assertThat(directives.get("DynamicUser")).as("runs as a user of its own").containsExactly("yes");
        assertThat(directives).containsKeys("StateDirectory", "CacheDirectory");
        assertThat(directives.get("Restart")).containsExactly("on-failure");
        assertThat(directives.get("SuccessExitStatus")).as("the JVM exits with 143 after SIGTERM").containsExactly("143");
        assertThat(directives.get("NoNewPrivileges")).containsExactly("yes");
        assertThat(directives.get("ProtectSystem")).containsExactly("strict");
        assertThat(directives).doesNotContainKey("MemoryDenyWriteExecute"); // the JIT needs it off
        assertThat(directives.get("EnvironmentFile")).containsExactly("-/etc/verge/edge-agent.env");
        assertThat(env.get(SyncSettings.ENV_STATE_DIR)).as("sync state in the unit's StateDirectory, which the dynamic user owns")
                .isEqualTo("/var/lib/" + directives.get("StateDirectory").getFirst());
        assertThat(env.get(SyncSettings.ENV_CLOUD)).as("the cloud and the device key come from the EnvironmentFile only").isNull();
        assertThat(env.get("XDG_CACHE_HOME") + "/verge").as("native cache inside CacheDirectory")
                .isEqualTo("/var/cache/" + directives.get("CacheDirectory").getFirst());
    }

    @Test
    void environmentFile_listsEveryOptionWithItsDefault() throws IOException {
        Map<String, String> listed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(edge("edge-agent.env"))) {
            Matcher m = Pattern.compile("^#?(VERGE_\\w+)=(.*)$").matcher(line.strip());
            if (m.matches()) {
                listed.put(m.group(1), m.group(2));
            }
        }
        Map<String, String> expected = new LinkedHashMap<>();
        AgentOptions.all().forEach(o -> expected.put(o.environmentVariable(), o.defaultValue()));
        assertThat(listed).as("edge-agent.env: one line per option of AgentOptions.all(), with its default")
                .containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void iotEdgeManifest_runsTheAgentWithRestartsOnPort80_andSetsAgentVariablesOnly() throws IOException {
        String text = Files.readString(edge("deployment.template.json"));
        Matcher placeholders = Pattern.compile("\\$\\{(\\w+)}").matcher(text);
        Set<String> names = new TreeSet<>();
        while (placeholders.find()) {
            names.add(placeholders.group(1));
        }
        // the README renders the manifest with envsubst, naming exactly these variables (anything else that looks
        // like ${X}, e.g. in createOptions, must stay as it is)
        Matcher envsubst = Pattern.compile("envsubst '([^']*)' < infra/edge/deployment\\.template\\.json")
                .matcher(Files.readString(Repository.root().resolve("README.md")));
        assertThat(envsubst.find()).as("README.md renders the manifest with envsubst '$VERGE_EDGE_IMAGE ...'").isTrue();
        Set<String> rendered = new TreeSet<>(List.of(envsubst.group(1).replace("$", "").split("\\s+")));
        assertThat(names).as("placeholders of the manifest = variables the README's envsubst renders").isEqualTo(rendered);
        assertThat(names).contains("VERGE_EDGE_IMAGE");
        names.stream().filter(n -> !n.equals("VERGE_EDGE_IMAGE")).forEach(n -> assertThat(optionsByVariable())
                .as("placeholder %s is an agent variable, rendered from the operator's environment", n).containsKey(n));
        JsonNode desired = JSON.readTree(text).at("/modulesContent/$edgeAgent/properties.desired");
        assertThat(desired.path("schemaVersion").asText()).isEqualTo("1.1");
        assertThat(desired.at("/systemModules/edgeAgent/settings/image").asText()).startsWith("mcr.microsoft.com/azureiotedge-agent:");
        assertThat(desired.at("/systemModules/edgeHub/settings/image").asText()).startsWith("mcr.microsoft.com/azureiotedge-hub:");
        JsonNode module = desired.at("/modules/verge-edge-agent");
        assertThat(module.path("restartPolicy").asText()).isEqualTo("always");
        assertThat(module.path("status").asText()).isEqualTo("running");
        Map<String, String> env = new LinkedHashMap<>();
        module.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().path("value").asText()));
        assertAgreesWithTheAgent("deployment.template.json", env);
        JsonNode create = JSON.readTree(module.at("/settings/createOptions").asText());
        String port = env.getOrDefault("VERGE_PORT", optionsByVariable().get("VERGE_PORT").defaultValue());
        assertThat(create.at("/HostConfig/PortBindings").fieldNames()).toIterable().containsExactly(port + "/tcp");
        assertThat(create.at("/HostConfig/PortBindings/" + port + "~1tcp/0/HostPort").asText()).isEqualTo("80");
        assertThat(create.at("/HostConfig/Binds").toString()).as("the model package is mounted where VERGE_MODEL points")
                .contains(":" + Path.of(env.get("VERGE_MODEL")).getParent());
        assertThat(JSON.readTree(edge("deployment.template.json").toFile()).at("/modulesContent/$edgeHub/properties.desired/schemaVersion").asText())
                .isEqualTo("1.1");
    }

    @Test
    void greengrassRecipe_setsAgentVariablesFromItsConfiguration_andRunsTheArtifact() throws IOException {
        JsonNode recipe = new YAMLMapper().readTree(edge("greengrass-recipe.yaml").toFile());
        assertThat(recipe.path("RecipeFormatVersion").asText()).isEqualTo("2020-01-25");
        JsonNode defaults = recipe.at("/ComponentConfiguration/DefaultConfiguration");
        JsonNode manifest = recipe.path("Manifests").get(0);
        assertThat(manifest.at("/Platform/os").asText()).isEqualTo("linux");
        Map<String, String> env = new LinkedHashMap<>();
        manifest.at("/Lifecycle/Setenv").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        assertAgreesWithTheAgent("greengrass-recipe.yaml", env);
        Pattern configuration = Pattern.compile("\\{configuration:/(\\w+)}");
        String lifecycle = manifest.path("Lifecycle").toString();
        Matcher m = configuration.matcher(lifecycle);
        while (m.find()) {
            assertThat(defaults.has(m.group(1))).as("DefaultConfiguration has %s", m.group(1)).isTrue();
        }
        String run = manifest.at("/Lifecycle/Run/Script").asText();
        assertFlagsExist("greengrass-recipe.yaml", run);
        String artifact = manifest.at("/Artifacts/0/Uri").asText();
        assertThat(run).contains("{artifacts:path}/" + artifact.substring(artifact.lastIndexOf('/') + 1));
        assertThat(artifact).endsWith("/" + Path.of(EDGE_JAR).getFileName());
        assertThat(manifest.at("/Lifecycle/Run/RequiresPrivilege").asBoolean()).isFalse();
    }
}
