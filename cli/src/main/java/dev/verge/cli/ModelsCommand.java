package dev.verge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code verge models ...}: the registry from a terminal or a script, over the cloud API. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Register, list and promote model versions in a Verge cloud.",
        subcommands = {ModelsCommand.Register.class, ModelsCommand.ListVersions.class, ModelsCommand.Promote.class},
        footer = {"", "Examples:",
                "  ./verge models register demo-model/target/demo/fruit-quality-1 --cloud http://127.0.0.1:7071 --api-key $KEY",
                "  ./verge models list",
                "  ./verge models promote fruit-quality 1 production",
                "", ExitCodes.DESCRIPTION})
final class ModelsCommand {

    // no mixinStandardHelpOptions: its -V/--version would take the model version's option
    @Command(name = "register",
            description = {"Upload a model package (folder or .zip); prints the registered record or every validation error.",
                    "A Custom Vision ONNX export (model.onnx, labels.txt, cvexport.manifest) is registered as it comes:"
                            + " give it --name and --version, the cloud derives the manifest."},
            footer = {"", "Examples:", "  ./verge models register ./fruit-quality-3.zip --cloud https://api.example.com --api-key $KEY",
                    "  ./verge models register ./export.zip --name fruit --version 7",
                    "", ExitCodes.DESCRIPTION})
    static final class Register implements Callable<Integer> {
        @Mixin CloudOptions cloud;

        @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Parameters(paramLabel = "PACKAGE",
                description = "model package folder (model.onnx + manifest.json) or .zip, or a Custom Vision ONNX export")
        Path packagePath;

        @picocli.CommandLine.Option(names = "--name", paramLabel = "NAME",
                description = "model name (required for a Custom Vision export; else it must be the manifest's)")
        String name;

        @picocli.CommandLine.Option(names = "--version", paramLabel = "VERSION",
                description = "model version (required for a Custom Vision export; else it must be the manifest's)")
        String version;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(packagePath)) {
                System.err.println("no such package: " + packagePath);
                return ExitCodes.USAGE;
            }
            Path zip = PackageZip.of(packagePath);
            boolean export = dev.verge.inference.pkg.CustomVisionExport.isExport(zip);
            if (export && (name == null || version == null)) {
                System.err.println(packagePath + " is a Custom Vision export, which names no model or version:"
                        + " give --name and --version (for example --name fruit --version 7)");
                return ExitCodes.USAGE;
            }
            String model = name != null ? name : PackageZip.modelName(zip);
            String path = "/api/models/" + CloudClient.segment(model) + "/versions"
                    + (version == null ? "" : "?version=" + java.net.URLEncoder.encode(version, java.nio.charset.StandardCharsets.UTF_8));
            return cloud.client().upload(path, zip, System.err).print(System.out, System.err);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List models, or the versions of one model.",
            footer = {"", "Examples:", "  ./verge models list", "  ./verge models list fruit-quality"})
    static final class ListVersions implements Callable<Integer> {
        @Mixin CloudOptions cloud;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "model name (default: every model)")
        String name;

        @Override
        public Integer call() throws Exception {
            String path = name == null ? "/api/models" : "/api/models/" + CloudClient.segment(name) + "/versions";
            return cloud.client().get(path).print(System.out, System.err);
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Move a version to a stage: none, staging, production or archived.",
            footer = {"", "Example:", "  ./verge models promote fruit-quality 3 production --by alice"})
    static final class Promote implements Callable<Integer> {
        @Mixin CloudOptions cloud;

        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Parameters(index = "1", paramLabel = "VERSION") String version;
        @Parameters(index = "2", paramLabel = "STAGE", description = "none, staging, production or archived") String stage;

        @picocli.CommandLine.Option(names = "--by", defaultValue = "${env:USER:-cli}", description = "who asks (recorded with the change; default: $USER)")
        String by;

        @Override
        public Integer call() throws Exception {
            JsonNode body = CloudClient.JSON.createObjectNode().put("stage", stage).put("by", by);
            return cloud.client()
                    .postJson("/api/models/" + CloudClient.segment(name) + "/versions/" + CloudClient.segment(version) + "/stage", body)
                    .print(System.out, System.err);
        }
    }
}
