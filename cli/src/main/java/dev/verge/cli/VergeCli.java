package dev.verge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code verge} command line: one entry point, a subcommand per job. */
@Command(
        name = "verge",
        mixinStandardHelpOptions = true,
        version = "verge 0.1.0",
        description = "Run one ONNX model on edge boxes and in serverless cloud functions.",
        subcommands = {DemoCommand.class, ModelsCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  ./verge demo", "  ./verge demo --rounds 100"})
public final class VergeCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new VergeCli()).execute(args));
    }
}
