package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.inference.pkg.PackageSignature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.verge.edge.telemetry.SamplingPolicy;
import dev.verge.edge.telemetry.TelemetrySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class MainTest {

    @Test
    void options_everySettingHasItsFlagAndEnvironmentVariable() {
        Map<String, String> declared = new HashMap<>(); // flag -> default value as written
        for (Field field : optionFields()) {
            Option option = field.getAnnotation(Option.class);
            declared.put(option.names()[0], option.defaultValue());
        }
        List<AgentOptions.Option> options = AgentOptions.all();
        for (AgentOptions.Option option : options) {
            assertThat(option.environmentVariable()).as(option.flag()).startsWith("VERGE_");
            String expected = option.defaultValue().isEmpty()
                    ? "${env:" + option.environmentVariable() + "}"
                    : "${env:" + option.environmentVariable() + ":-" + option.defaultValue() + "}";
            assertThat(declared.get(option.flag())).as(option.flag()).isEqualTo(expected);
        }
        assertThat(declared.keySet()).containsExactlyInAnyOrderElementsOf(options.stream().map(AgentOptions.Option::flag).toList());
        assertThat(options).extracting(AgentOptions.Option::environmentVariable).doesNotHaveDuplicates();
        assertThat(options).contains(new AgentOptions.Option("--port", "VERGE_PORT", "8080", AgentOptions.Requirement.OPTIONAL),
                new AgentOptions.Option("--journal", "VERGE_JOURNAL", "", AgentOptions.Requirement.OPTIONAL),
                new AgentOptions.Option("--max-loaded-models", "VERGE_MAX_LOADED_MODELS", "0", AgentOptions.Requirement.OPTIONAL));
    }

    @Test
    void options_anOptionWithoutItsVariable_isRefused() {
        @picocli.CommandLine.Command
        class NoVariable {
            @Option(names = "--port", defaultValue = "8080")
            int port;
        }
        assertThatThrownBy(() -> AgentOptions.read(new CommandLine(new NoVariable()).getCommandSpec()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("--port");
    }

    @Test
    void options_settingsRecordHasOneComponentPerOption() {
        // threads holds two options (intra-op and inter-op); sync, telemetry and access each hold every option of their mixin;
        // the repeatable --model fills two (model, the default one, and moreModels)
        int syncOptions = (int) Arrays.stream(SyncOptions.class.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(Option.class)).count();
        int telemetryOptions = (int) Arrays.stream(TelemetryOptions.class.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(Option.class)).count();
        int accessOptions = (int) Arrays.stream(AccessOptions.class.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(Option.class)).count();
        assertThat(AgentSettings.class.getRecordComponents())
                .hasSize(AgentOptions.all().size() - 1 - (syncOptions - 1) - (telemetryOptions - 1) - (accessOptions - 1) + 1);
    }

    /** Main's own options and those of its mixins. */
    private static List<Field> optionFields() {
        List<Field> fields = new ArrayList<>();
        for (Field field : Main.class.getDeclaredFields()) {
            if (field.isAnnotationPresent(Option.class)) {
                fields.add(field);
            } else if (field.isAnnotationPresent(Mixin.class)) {
                Arrays.stream(field.getType().getDeclaredFields())
                        .filter(f -> f.isAnnotationPresent(Option.class))
                        .forEach(fields::add);
            }
        }
        return fields;
    }

    @Test
    void help_showsExamplesAndEnvironmentVariables() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("--help");
        assertThat(exit).isZero();
        assertThat(out.toString())
                .contains("Examples:")
                .contains("--data-binary @apple.jpg")
                .contains("VERGE_MODEL=")
                .contains("default: 8080");
        for (AgentOptions.Option option : AgentOptions.all()) {
            assertThat(out.toString()).contains(option.environmentVariable());
        }
    }

    @Test
    void settings_humanUnits_areParsed() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip", "--port", "9000", "--max-body-bytes", "8MiB",
                "--url-timeout", "1500ms", "--intra-op-threads", "3", "--max-concurrent-inferences", "2");
        AgentSettings settings = main.settings();
        assertThat(settings.model()).isEqualTo(Path.of("m.zip"));
        assertThat(settings.port()).isEqualTo(9000);
        assertThat(settings.maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(settings.urlTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(settings.threads().intraOpThreads()).isEqualTo(3);
        assertThat(settings.maxConcurrentInferences()).isEqualTo(2);
    }

    @Test
    void settings_noArguments_giveTheDocumentedDefaults() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip");
        assertThat(main.settings()).isEqualTo(AgentSettings.defaults(Path.of("m.zip")));
    }

    @Test
    void settings_maxInferenceMs_becomesTheTimeLimit() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip", "--max-inference-ms", "2500");
        assertThat(main.settings().maxInferenceTime()).isEqualTo(java.time.Duration.ofMillis(2500));
        Main defaults = new Main();
        new CommandLine(defaults).parseArgs("--model", "m.zip");
        assertThat(defaults.settings().maxInferenceTime()).isEqualTo(java.time.Duration.ofSeconds(10));
    }

    @Test
    void settings_keepTinyPredictions_fromFlagOrDefaultOff() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip", "--keep-tiny-predictions");
        assertThat(main.settings().keepTinyPredictions()).isTrue();
        Main defaults = new Main();
        new CommandLine(defaults).parseArgs("--model", "m.zip");
        assertThat(defaults.settings().keepTinyPredictions()).isFalse();
    }

    @Test
    void settings_urlAllowAndClientKeys_repeatableAndCommaSeparated() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip", "--url-allow", "192.168.1.20", "--url-allow", "10.0.0.0/8,camera.lan",
                "--client-key", "key-one,key-two", "--client-key", "key-three");
        AccessSettings access = main.settings().access();
        assertThat(access.urlAllow()).containsExactly("192.168.1.20", "10.0.0.0/8", "camera.lan");
        assertThat(access.clientKeys()).containsExactly("key-one", "key-two", "key-three");
    }

    @Test
    void settings_badUrlAllowBlock_refusedAtStart() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip", "--url-allow", "192.168.1.0/40");
        org.assertj.core.api.Assertions.assertThatThrownBy(main::settings).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("192.168.1.0/40");
    }

    @Test
    void execute_badSize_exitsWithUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("--model", "m.zip", "--max-body-bytes", "lots");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--max-body-bytes").contains("'lots'");
    }

    @Test
    void settings_cloudGiven_turnsTelemetryOnWithItsOptions() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip", "--cloud", "http://127.0.0.1:7071", "--device-id", "cam-1",
                "--device-key", "k", "--trusted-key", PackageSignature.encode(PackageSignature.generateKeyPair().getPublic()),
                "--journal", "/var/lib/verge/t.db", "--journal-max-bytes", "1MiB",
                "--journal-ttl", "2d", "--journal-sync", "full", "--telemetry-batch-size", "50",
                "--telemetry-interval", "2s", "--samples-below", "0.6");
        TelemetrySettings telemetry = main.settings().telemetry();
        assertThat(telemetry.enabled()).isTrue();
        assertThat(telemetry.sends()).isTrue();
        assertThat(telemetry.cloud()).hasToString("http://127.0.0.1:7071");
        assertThat(telemetry.journal()).isEqualTo(Path.of("/var/lib/verge/t.db"));
        assertThat(telemetry.samplesDir()).isEqualTo(Path.of("/var/lib/verge/samples"));
        assertThat(telemetry.journalMaxBytes()).isEqualTo(1024 * 1024);
        assertThat(telemetry.journalTtl()).isEqualTo(Duration.ofDays(2));
        assertThat(telemetry.journalSync()).isEqualTo(TelemetrySettings.JournalSync.FULL);
        assertThat(telemetry.batchSize()).isEqualTo(50);
        assertThat(telemetry.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(telemetry.sampling()).isEqualTo(new SamplingPolicy(true, 0.6, 0.01, 60));
    }

    @Test
    void settings_noCloud_telemetryOffUnlessAskedFor() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip");
        assertThat(main.settings().telemetry().enabled()).isFalse();

        new CommandLine(main).parseArgs("--model", "m.zip", "--telemetry", "on");
        assertThat(main.settings().telemetry().enabled()).isTrue();
        assertThat(main.settings().telemetry().sends()).isFalse();
    }

    @Test
    void execute_cloudWithoutDeviceKey_exitsWithUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("--model", "m.zip", "--cloud", "http://127.0.0.1:7071", "--device-id", "cam-1",
                "--trusted-key", PackageSignature.encode(PackageSignature.generateKeyPair().getPublic()));
        assertThat(exit).isEqualTo(2);
    }

    @Test
    void settings_noModelNoCloud_refusedWithBothWays() {
        Main main = new Main();
        new CommandLine(main).parseArgs();
        assertThatThrownBy(main::settings).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--model").hasMessageContaining("--cloud");
    }

    @Test
    void settings_cloudWithoutModel_syncOnModelOptional(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("signing.pub");
        String publicKey = PackageSignature.encode(PackageSignature.generateKeyPair().getPublic());
        Files.writeString(keyFile, "-----BEGIN PUBLIC KEY-----\n" + publicKey + "\n-----END PUBLIC KEY-----\n");
        Main main = new Main();
        new CommandLine(main).parseArgs("--cloud", "http://127.0.0.1:7071", "--device-id", "cam-1", "--device-key", "k1",
                "--trusted-key", keyFile.toString(), "--state-dir", dir.resolve("state").toString(), "--sync-max-backoff", "2m");

        AgentSettings settings = main.settings();

        assertThat(settings.model()).isNull();
        assertThat(settings.sync().cloud()).hasToString("http://127.0.0.1:7071");
        assertThat(settings.sync().deviceId()).isEqualTo("cam-1");
        assertThat(settings.sync().trustedKeys()).extracting(PackageSignature::encode).containsExactly(publicKey);
        assertThat(settings.sync().stateDir()).isEqualTo(dir.resolve("state"));
        assertThat(settings.sync().pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.sync().maxBackoff()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.sync().cloudFallback()).as("off unless asked for").isFalse();
    }

    @Test
    void settings_cloudFallbackWithCloud_isOn() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--cloud", "http://127.0.0.1:7071", "--device-id", "cam-1", "--device-key", "k1",
                "--trusted-key", PackageSignature.encode(PackageSignature.generateKeyPair().getPublic()), "--cloud-fallback");

        assertThat(main.settings().sync().cloudFallback()).isTrue();
    }

    @Test
    void settings_cloudFallbackWithoutCloud_refused() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip", "--cloud-fallback");
        assertThatThrownBy(main::settings).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--cloud-fallback").hasMessageContaining("--cloud <url>");
    }

    @Test
    void settings_cloudWithoutDeviceKey_refused() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--cloud", "http://127.0.0.1:7071", "--device-id", "cam-1", "--trusted-key",
                PackageSignature.encode(PackageSignature.generateKeyPair().getPublic()));
        assertThatThrownBy(main::settings).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--device-key");
    }

    @Test
    void settings_deviceIdWithoutCloud_refused() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip", "--device-id", "cam-1");
        assertThatThrownBy(main::settings).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--cloud");
    }

    @Test
    void settings_emptySyncSlots_meanNoCloud() {
        // what an env file with "VERGE_CLOUD=" ... lines, or a Greengrass configuration left empty, passes
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "m.zip", "--cloud", "", "--device-id", "", "--device-key", " ", "--trusted-key", "");
        AgentSettings settings = main.settings();
        assertThat(settings.sync()).isNull();
        assertThat(settings.model()).isEqualTo(Path.of("m.zip"));
    }

    @Test
    void settings_emptyModelWithCloud_meansNoFactoryModel(@TempDir Path dir) {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", "", "--cloud", "http://127.0.0.1:7071", "--device-id", "cam-1", "--device-key", "k1",
                "--trusted-key", PackageSignature.encode(PackageSignature.generateKeyPair().getPublic()),
                "--state-dir", dir.toString());
        AgentSettings settings = main.settings();
        assertThat(settings.model()).isNull();
        assertThat(settings.sync().deviceId()).isEqualTo("cam-1");
    }

    @Test
    void settings_missingFactoryModelWithCloud_waitsForTheCloud_butWithoutCloudIsKept(@TempDir Path dir) {
        Main main = new Main();
        new CommandLine(main).parseArgs("--model", dir.resolve("none.zip").toString(), "--cloud", "http://127.0.0.1:7071",
                "--device-id", "cam-1", "--device-key", "k1",
                "--trusted-key", PackageSignature.encode(PackageSignature.generateKeyPair().getPublic()),
                "--state-dir", dir.toString());
        assertThat(main.settings().model()).isNull();

        Main offline = new Main();
        new CommandLine(offline).parseArgs("--model", dir.resolve("none.zip").toString());
        assertThat(offline.settings().model()).as("without a cloud a wrong path fails the start, loudly")
                .isEqualTo(dir.resolve("none.zip"));
    }

    @Test
    void options_requirements_matchWhatTheSettingsRefuse() {
        Map<String, AgentOptions.Requirement> requirements = new HashMap<>();
        AgentOptions.all().forEach(o -> requirements.put(o.flag(), o.requirement()));
        assertThat(requirements).containsEntry("--model", AgentOptions.Requirement.UNLESS_CLOUD)
                .containsEntry("--cloud", AgentOptions.Requirement.OPTIONAL)
                .containsEntry("--device-id", AgentOptions.Requirement.WITH_CLOUD)
                .containsEntry("--device-key", AgentOptions.Requirement.WITH_CLOUD)
                .containsEntry("--trusted-key", AgentOptions.Requirement.WITH_CLOUD);
        assertThat(AgentOptions.all()).filteredOn(o -> o.requirement() != AgentOptions.Requirement.OPTIONAL)
                .as("a setting a deployment must give has no default").allMatch(o -> o.defaultValue().isEmpty());
        // each WITH_CLOUD option left out of a cloud command line is refused
        String trusted = PackageSignature.encode(PackageSignature.generateKeyPair().getPublic());
        Map<String, String> cloudArgs = Map.of("--device-id", "cam-1", "--device-key", "k1", "--trusted-key", trusted);
        for (String left : cloudArgs.keySet()) {
            List<String> args = new ArrayList<>(List.of("--cloud", "http://127.0.0.1:7071", "--state-dir", "/tmp/verge-state"));
            cloudArgs.forEach((flag, value) -> {
                if (!flag.equals(left)) {
                    args.add(flag);
                    args.add(value);
                }
            });
            Main main = new Main();
            new CommandLine(main).parseArgs(args.toArray(String[]::new));
            assertThatThrownBy(main::settings).as("without " + left).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void settings_stateDirDefault_isUnderTheHomeFolder() {
        assertThat(dev.verge.edge.sync.SyncSettings.path(dev.verge.edge.sync.SyncSettings.DEFAULT_STATE_DIR))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".local", "state", "verge"));
    }
}
