package dev.verge.inference.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ImageDecoderTest} again, with JPEGs decoded by libjpeg-turbo: formats, orientation, corrupt files. */
class ImageDecoderOnTurboJpegTest extends ImageDecoderTest {
    @Test
    void decoderName_withLibturbojpegInstalled_isTurboJpeg() {
        assertThat(JpegDecoding.decoderName()).startsWith("turbojpeg");
    }
}
