package dev.verge.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the templates and the artifacts they name are: this module's folder and the repository root. */
final class Repository {

    private Repository() {}

    static Path infra() {
        return Path.of(System.getProperty("verge.infra.dir", ".")).toAbsolutePath().normalize();
    }

    static Path root() {
        return infra().getParent();
    }

    /**
     * A build output of another module, which Maven builds before this one ({@code mvn -pl infra -am verify});
     * fails with what to run when it is missing.
     */
    static Path artifact(String relative, String module) {
        Path path = root().resolve(relative);
        assertThat(Files.exists(path))
                .as("%s is built by the package phase of %s: run mvn -pl infra -am verify (or package %s first)", path, module, module)
                .isTrue();
        return path;
    }
}
