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

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Upload a model package (folder or .zip); prints the registered record or every validation error.",
            footer = {"", "Example:", "  ./verge models register ./fruit-quality-3.zip --cloud https://api.example.com --api-key $KEY",
                    "", ExitCodes.DESCRIPTION})
    static final class Register implements Callable<Integer> {
        @Mixin CloudOptions cloud;

        @Parameters(paramLabel = "PACKAGE", description = "model package folder (model.onnx + manifest.json) or .zip")
        Path packagePath;

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(packagePath)) {
                System.err.println("no such package: " + packagePath);
                return ExitCodes.USAGE;
            }
            Path zip = PackageZip.of(packagePath);
            String name = PackageZip.modelName(zip);
            return cloud.client().upload("/api/models/" + CloudClient.segment(name) + "/versions", zip, System.err)
                    .print(System.out, System.err);
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
