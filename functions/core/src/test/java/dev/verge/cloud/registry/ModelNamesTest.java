package dev.verge.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.error.VergeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ModelNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"fruit-quality", "a", "Model_2.1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void checkName_safeNames_areAccepted(String name) {
        assertThat(ModelNames.checkName(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "..", "a..b", ".hidden", "-x", "a b", "a\nb", "a\u0000b", "é", "a\\b", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void checkName_unsafeNames_are400SayingWhatIsAllowed(String name) {
        assertThatThrownBy(() -> ModelNames.checkName(name)).isInstanceOfSatisfying(VergeException.class, e -> {
            assertThat(e.kind().httpStatus()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("model_name_invalid");
            assertThat(e.getMessage()).contains("letters, digits").doesNotContain("\n").doesNotContain("\u0000");
        });
    }

    @Test
    void checkVersion_slash_is400() {
        assertThatThrownBy(() -> ModelNames.checkVersion("1/2")).isInstanceOfSatisfying(VergeException.class,
                e -> assertThat(e.code()).isEqualTo("model_version_invalid"));
    }

    @Test
    void versionOrder_comparesNumbersAsNumbers() {
        List<String> versions = new ArrayList<>(List.of("10", "2", "1.10", "1.9", "1", "b", "a", "02"));

        versions.sort(VersionOrder.INSTANCE);

        assertThat(versions).containsExactly("1", "1.9", "1.10", "02", "2", "10", "a", "b");
    }

    @Test
    void stage_parse_acceptsAnyCaseAndListsStagesWhenUnknown() {
        assertThat(Stage.parse("Production")).isEqualTo(Stage.PRODUCTION);
        assertThatThrownBy(() -> Stage.parse("live")).isInstanceOfSatisfying(VergeException.class,
                e -> assertThat(e.getMessage()).contains("none", "staging", "production", "archived").contains("live"));
    }
}
