package dev.verge.edge;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.AnnotatedElement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The agent's options as a deployment file sees them: flag, environment variable, default and whether the file
 * must give it. Read from picocli's model of {@link Main} (its own options and its mixins'), so each option is
 * declared once, by its {@code @Option}: the default written as {@code ${env:VERGE_X:-default}} names the
 * variable (IoT Edge, Greengrass and systemd pass configuration as environment variables), and a {@link Needed}
 * beside it says when a deployment must give it. The infra tests check the Dockerfile, the systemd unit and its
 * environment file, the IoT Edge manifest and the Greengrass recipe against {@link #all()}.
 */
public final class AgentOptions {

    /** {@code ${env:NAME}} or {@code ${env:NAME:-default}}, the whole default of an option. */
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:(\\w+)(?::-(.*))?}");

    private AgentOptions() {
    }

    /** Whether a deployment must give a setting; an empty value counts as not given. */
    public enum Requirement {
        /** has a default, or is computed or off without one */
        OPTIONAL,
        /** needed unless --cloud is given (the cloud then sends the model) */
        UNLESS_CLOUD,
        /** needed, all together, whenever --cloud is given */
        WITH_CLOUD
    }

    /** On an {@code @Option} field that a deployment must give (the others are {@link Requirement#OPTIONAL}). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface Needed {
        Requirement value();
    }

    /** One setting as a deployment file sees it; {@code defaultValue} "" = none (see {@code requirement}). */
    public record Option(String flag, String environmentVariable, String defaultValue, Requirement requirement) {
    }

    /**
     * Every option of {@link Main} but {@code --help} and {@code --version}, in the order of {@code --help}: its
     * default as written ("" = none: computed or off, as the descriptions say).
     *
     * @throws IllegalStateException for an option whose default does not name its environment variable
     */
    public static List<Option> all() {
        return read(new CommandLine(new Main()).getCommandSpec());
    }

    static List<Option> read(CommandSpec spec) {
        // without interpolation picocli hands the defaults back as written, ${env:...} and all
        return spec.interpolateVariables(false).options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp())
                .map(AgentOptions::option)
                .toList();
    }

    private static Option option(OptionSpec spec) {
        String flag = spec.longestName();
        Matcher env = ENV_DEFAULT.matcher(spec.defaultValue() == null ? "" : spec.defaultValue());
        if (!env.matches()) {
            throw new IllegalStateException(flag + " names no environment variable: write its default as"
                    + " ${env:VERGE_...} or ${env:VERGE_...:-default}, found " + spec.defaultValue());
        }
        Needed needed = spec.userObject() instanceof AnnotatedElement field ? field.getAnnotation(Needed.class) : null;
        return new Option(flag, env.group(1), env.group(2) == null ? "" : env.group(2),
                needed == null ? Requirement.OPTIONAL : needed.value());
    }
}
