package dev.verge.cloud.azure.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableKeysTest {

    @ParameterizedTest
    @ValueSource(strings = {"fruit/1", "a\\b#c?d", "tab\there\u0001\u007f\u0085", "héllo ✓ 😀", "100%!'quote'", "plain-key_1.0"})
    void encode_anyKey_decodesBackAndHoldsOnlySafeCharacters(String key) {
        String encoded = TableKeys.encode(key);

        assertThat(encoded).matches("[A-Za-z0-9._!-]*");
        assertThat(TableKeys.decode(encoded)).isEqualTo(key);
    }

    @Test
    void encode_prefixOfKey_isPrefixOfEncodedKey() {
        assertThat(TableKeys.encode("models/my model#1/v 2")).startsWith(TableKeys.encode("models/my mo"));
    }

    @Test
    void encode_plainKey_staysReadable() {
        assertThat(TableKeys.encode("fruit-quality")).isEqualTo("fruit-quality");
        assertThat(TableKeys.encode("fruit/3")).isEqualTo("fruit!2F3");
    }
}
