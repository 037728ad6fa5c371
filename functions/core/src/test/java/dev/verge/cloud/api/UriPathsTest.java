package dev.verge.cloud.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.error.VergeException;
import org.junit.jupiter.api.Test;

class UriPathsTest {

    @Test
    void encodePath_keepsSlashesAndEncodesTheRest() {
        assertThat(UriPaths.encodePath("models/my model+v2.zip")).isEqualTo("models/my%20model%2Bv2.zip");
        assertThat(UriPaths.encodeSegment("é/x")).isEqualTo("%C3%A9%2Fx");
    }

    @Test
    void segments_decodeEachSegmentAfterSplitting() {
        assertThat(UriPaths.segments("/api/models/a%2Fb/%C3%A9+x")).containsExactly("api", "models", "a/b", "é+x");
    }

    @Test
    void decode_roundTripsEncode() {
        String text = "fruit quality/ü+%?#\u0001";
        assertThat(UriPaths.decode(UriPaths.encodeSegment(text))).isEqualTo(text);
    }

    @Test
    void decode_truncatedEscapeOrBadUtf8_is400() {
        assertThatThrownBy(() -> UriPaths.decode("a%2")).isInstanceOfSatisfying(VergeException.class,
                e -> assertThat(e.kind().httpStatus()).isEqualTo(400));
        assertThatThrownBy(() -> UriPaths.decode("a%FF")).isInstanceOfSatisfying(VergeException.class,
                e -> assertThat(e.code()).isEqualTo("path_invalid"));
    }
}
