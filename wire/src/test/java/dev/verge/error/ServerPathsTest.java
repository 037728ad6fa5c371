package dev.verge.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerPathsTest {
    @Test
    void hide_onnxRuntimeMessage_namesThePackageNotTheServerFolder() {
        Path root = Path.of("/srv/verge-data/tmp/verge-package-123");
        String ort = "External data path escapes model directory. External data path: \"../../etc/passwd\" resolved path:"
                + " \"/etc/passwd\" allowed directory: \"/srv/verge-data/tmp/verge-package-123\"";

        String hidden = ServerPaths.hide(ort, root);

        assertThat(hidden).doesNotContain("/srv").doesNotContain("\"/etc/passwd\"")
                .contains("\"../../etc/passwd\"").contains("allowed directory: \"<package>\"")
                .contains("resolved path: \"<server path>\"");
    }

    @Test
    void hide_bareJdkPath_isReplaced() {
        assertThat(ServerPaths.hide("java.nio.file.FileAlreadyExistsException: /var/lib/verge/x/model.onnx", null))
                .isEqualTo("java.nio.file.FileAlreadyExistsException: <server path>");
        assertThat(ServerPaths.hide("expected 1/2 of model.onnx, found 3", null)).isEqualTo("expected 1/2 of model.onnx, found 3");
    }
}
